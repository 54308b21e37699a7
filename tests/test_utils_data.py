"""minigrad.utils.data: datasets, random_split, samplers, default_collate and DataLoader with
PyTorch's signatures and answers (compared with torch where it is installed), the fast path
giving the same batches as the per-sample one, the checkpointable order, and bad inputs."""

import collections
import inspect
import warnings

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import minigrad as mg
from minigrad.utils.data import (BatchSampler, ConcatDataset, DataLoader, Dataset,
                                 RandomSampler, SequentialSampler, Subset,
                                 SubsetRandomSampler, TensorDataset, default_collate,
                                 default_convert, random_split)


def seeded(seed):
    return mg.Generator().manual_seed(seed)


def labels(loader):
    return [batch[1].numpy().copy() for batch in loader]


class SlowTensorDataset(TensorDataset):
    """A subclass is never on the fast path: each sample goes through __getitem__ + collate."""


# ----- datasets and random_split ----------------------------------------------------------------


def test_tensor_dataset_returns_tuples_of_tensors():
    x, y = np.arange(12, dtype=np.float32).reshape(6, 2), np.arange(6)
    data = TensorDataset(x, mg.tensor(y))
    assert len(data) == 6 and all(isinstance(t, mg.Tensor) for t in data.tensors)
    sample = data[4]
    assert type(sample) is tuple and len(sample) == 2
    np.testing.assert_array_equal(sample[0].numpy(), [8.0, 9.0])
    assert sample[1].item() == 4 and sample[1].dtype == np.int64


def test_tensor_dataset_errors():
    with pytest.raises(ValueError, match=r"same first dimension.*\(3,\), \(4,\)"):
        TensorDataset(np.zeros(3), np.zeros(4))
    with pytest.raises(AssertionError):  # what PyTorch raises, for code written for it
        TensorDataset(mg.zeros(3), mg.zeros(4))
    with pytest.raises(TypeError, match="argument 1 must be a Tensor or a numpy array"):
        TensorDataset(np.zeros(3), [1, 2, 3])
    with pytest.raises(ValueError, match="0-d"):
        TensorDataset(mg.tensor(1.0))


def test_subset_concat_and_add():
    base = TensorDataset(np.arange(10))
    subset = Subset(base, [7, 2, 5])
    assert len(subset) == 3 and subset[0][0].item() == 7 and subset[-1][0].item() == 5
    assert subset[[0, 2]][0].tolist() == [7, 5]
    both = base + subset
    assert isinstance(both, ConcatDataset) and len(both) == 13
    assert both.cumulative_sizes == [10, 13]
    assert [both[i][0].item() for i in (0, 9, 10, 12, -1, -13)] == [0, 9, 7, 5, 5, 0]
    with pytest.raises(ValueError, match="absolute value of index"):
        both[-14]
    with pytest.raises(IndexError):
        both[13]
    with pytest.raises(AssertionError, match="empty"):
        ConcatDataset([])
    with pytest.raises(NotImplementedError, match="__getitem__"):
        Dataset()[0]


@pytest.mark.parametrize("n,lengths,want", [
    (10, [3, 7], [3, 7]), (10, [0.3, 0.3, 0.4], [3, 3, 4]), (10, [0.25] * 4, [3, 3, 2, 2]),
    (10, [0.33, 0.33, 0.34], [4, 3, 3]), (7, [0.5, 0.5], [4, 3]), (11, [0.2] * 5, [3, 2, 2, 2, 2]),
    (10, [0.1] * 10, [1] * 10),
])
def test_random_split_lengths(n, lengths, want):
    parts = random_split(range(n), lengths, generator=seeded(0))
    assert [len(p) for p in parts] == want
    together = sorted(i for p in parts for i in p.indices)
    assert together == list(range(n))  # disjoint, and nothing left out
    assert all(type(p) is Subset and type(p.indices) is list for p in parts)


def test_random_split_lengths_match_torch():
    torch = pytest.importorskip("torch")
    for n in (1, 5, 7, 10, 11, 100, 101):
        for lengths in ([0.5, 0.5], [0.25] * 4, [0.33, 0.33, 0.34], [0.8, 0.1, 0.1], [0.7, 0.3]):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # "length of split at index 1 is 0"
                theirs = [len(p) for p in torch.utils.data.random_split(range(n), lengths)]
                ours = [len(p) for p in random_split(range(n), lengths)]
            assert ours == theirs, (n, lengths)


def test_random_split_is_reproducible_for_a_seed():
    a = [p.indices for p in random_split(range(20), [5, 15], generator=seeded(4))]
    b = [p.indices for p in random_split(range(20), [5, 15], generator=seeded(4))]
    c = [p.indices for p in random_split(range(20), [5, 15], generator=seeded(5))]
    assert a == b and a != c


@pytest.mark.parametrize("lengths,error,match", [
    ([0.3, 0.8], ValueError, "sum of input lengths"),
    ([4, 5], ValueError, r"sum of input lengths \(9\).*\(10\)"),
    ([-0.1, 1.1], ValueError, "fraction at index 0 is not between 0 and 1"),
    ([5, 5.0], TypeError, "must be ints"),
])
def test_random_split_errors(lengths, error, match):
    with pytest.raises(error, match=match):
        random_split(range(10), lengths)


def test_random_split_errors_have_torchs_types():
    torch = pytest.importorskip("torch")
    for lengths, error in (([0.3, 0.8], ValueError), ([4, 5], ValueError),
                           ([-0.1, 1.1], ValueError), ([5, 5.0], TypeError)):
        with pytest.raises(error):
            torch.utils.data.random_split(range(10), lengths)
    with pytest.raises(TypeError, match="generator must be an mg.Generator"):
        random_split(range(10), [5, 5], generator=5)
    with pytest.raises(ValueError, match="must not be negative"):
        random_split(range(10), [11, -1])  # PyTorch returns overlapping nonsense here


# ----- samplers ---------------------------------------------------------------------------------


def test_samplers_yield_python_ints_in_their_order():
    assert list(SequentialSampler(range(4))) == [0, 1, 2, 3]
    order = list(RandomSampler(range(6), generator=seeded(0)))
    assert sorted(order) == list(range(6)) and all(type(i) is int for i in order)
    assert sorted(SubsetRandomSampler([7, 3, 9], generator=seeded(0))) == [3, 7, 9]
    assert list(BatchSampler(range(5), 2, False)) == [[0, 1], [2, 3], [4]]
    assert list(BatchSampler(range(5), 2, True)) == [[0, 1], [2, 3]]
    assert list(BatchSampler(iter([4, 1, 3]), 2, False)) == [[4, 1], [3]]  # any iterable
    assert len(BatchSampler(range(5), 2, False)) == 3 and len(BatchSampler(range(5), 2, True)) == 2


def test_random_sampler_num_samples_and_replacement():
    chained = list(RandomSampler(range(5), num_samples=12, generator=seeded(1)))
    counts = np.bincount(chained, minlength=5)
    assert len(chained) == 12 and counts.min() == 2 and counts.max() == 3  # 2 permutations + 2
    assert sorted(chained[:5]) == sorted(chained[5:10]) == list(range(5))
    drawn = list(RandomSampler(range(3), replacement=True, num_samples=50, generator=seeded(1)))
    assert len(drawn) == 50 and set(drawn) == {0, 1, 2}


@pytest.mark.parametrize("make,error,match", [
    (lambda: RandomSampler(range(5), replacement=1), TypeError, "replacement should be a bool"),
    (lambda: RandomSampler(range(5), num_samples=0), ValueError, "num_samples=0"),
    (lambda: RandomSampler(range(5), num_samples=2.0), ValueError, "num_samples=2.0"),
    (lambda: RandomSampler(range(0)), ValueError, "num_samples=0"),
    (lambda: BatchSampler(range(5), 0, False), ValueError, "batch_size=0"),
    (lambda: BatchSampler(range(5), True, False), ValueError, "batch_size=True"),
    (lambda: BatchSampler(range(5), 2, 1), ValueError, "drop_last=1"),
    (lambda: RandomSampler(range(5), generator=3), TypeError, "generator must be"),
])
def test_sampler_errors(make, error, match):
    with pytest.raises(error, match=match):
        make()


# ----- default_collate --------------------------------------------------------------------------


Point = collections.namedtuple("Point", "x y")


def collate_cases():
    return {
        "ints": [1, 2, 3], "floats": [1.5, 2.0], "bools": [True, False],
        "float32 scalars": [np.float32(1), np.float32(2)],
        "float64 scalars": [np.float64(1)] * 2,
        "int32 arrays": [np.array([1, 2], np.int32), np.array([3, 4], np.int32)],
        "uint8 images": [np.zeros((2, 2), np.uint8)] * 3,
        "tuples": [(1, 2.0, True), (3, 4.0, False)],
        "lists": [[1, 2], [3, 4]],
        "dicts": [{"a": 1, "b": [0.5, np.float32(1)]}, {"a": 2, "b": [1.5, np.float32(2)]}],
        "strings": ["a", "b"], "tuple with a string": [(1, "a"), (2, "b")],
        "namedtuples": [Point(1, 2.0), Point(3, 4.0)],
        "ordered dicts": [collections.OrderedDict(z=1, a=2)] * 2,
    }


def test_default_collate_dtypes_without_torch():
    c = {name: default_collate(batch) for name, batch in collate_cases().items()}
    assert c["ints"].dtype == np.int64 and c["ints"].tolist() == [1, 2, 3]
    assert c["floats"].dtype == np.float64 and c["bools"].dtype == np.bool_
    assert c["float32 scalars"].dtype == np.float32 and c["float64 scalars"].dtype == np.float64
    assert c["int32 arrays"].dtype == np.int32 and c["int32 arrays"].shape == (2, 2)
    assert c["uint8 images"].dtype == np.uint8 and c["uint8 images"].shape == (3, 2, 2)
    assert type(c["tuples"]) is list and [t.dtype for t in c["tuples"]] == [
        np.int64, np.float64, np.bool_]
    assert c["strings"] == ["a", "b"] and c["tuple with a string"][1] == ("a", "b")
    assert type(c["namedtuples"]) is Point and c["namedtuples"].y.dtype == np.float64
    assert type(c["ordered dicts"]) is collections.OrderedDict
    assert list(c["ordered dicts"]) == ["z", "a"]
    stacked = default_collate([mg.ones(2, 3), mg.zeros(2, 3)])
    assert stacked.shape == (2, 2, 3) and stacked.dtype == np.float32


def same_batch(ours, theirs, torch, where="batch"):
    """ours (minigrad) equals theirs (torch): the same structure, dtypes and values."""
    if isinstance(theirs, torch.Tensor):
        assert isinstance(ours, mg.Tensor), where
        assert str(ours.dtype) == str(theirs.dtype).replace("torch.", ""), where
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy(), err_msg=where)
    elif isinstance(theirs, dict):
        assert type(ours) is type(theirs) and list(ours) == list(theirs), where
        for key in theirs:
            same_batch(ours[key], theirs[key], torch, f"{where}[{key!r}]")
    elif isinstance(theirs, (list, tuple)):
        assert type(ours) is type(theirs) and len(ours) == len(theirs), where
        for i, (o, t) in enumerate(zip(ours, theirs)):
            same_batch(o, t, torch, f"{where}[{i}]")
    else:
        assert ours == theirs, where


def test_default_collate_matches_torch():
    torch = pytest.importorskip("torch")
    from torch.utils.data import default_collate as torch_collate
    for name, batch in collate_cases().items():
        same_batch(default_collate(batch), torch_collate(batch), torch, name)


@pytest.mark.parametrize("batch,error,match", [
    ([object()], TypeError, "found <class 'object'>"),
    ([None, None], TypeError, "found <class 'NoneType'>"),
    ([np.array(["a"])], TypeError, "found <U1"),
    ([[1, 2], [3]], RuntimeError, "equal size"),
])
def test_default_collate_errors(batch, error, match):
    with pytest.raises(error, match=match):
        default_collate(batch)
    torch = pytest.importorskip("torch")
    with pytest.raises(error):
        torch.utils.data.default_collate(batch)


def test_default_convert():
    converted = default_convert((np.arange(3), np.float32(2), 5, "s"))
    assert type(converted) is list and isinstance(converted[0], mg.Tensor)
    assert isinstance(converted[1], mg.Tensor) and converted[2:] == [5, "s"]


# ----- DataLoader -------------------------------------------------------------------------------


def test_dataloader_signature_is_torchs():
    torch = pytest.importorskip("torch")

    def parameters(init):
        return [(p.name, p.kind, p.default) for p in inspect.signature(init).parameters.values()]

    assert parameters(DataLoader.__init__) == parameters(torch.utils.data.DataLoader.__init__)


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 40), batch_size=st.integers(1, 12), drop_last=st.booleans(),
       shuffle=st.booleans(), seed=st.integers(0, 2**32 - 1))
def test_fast_path_gives_the_batches_of_the_per_sample_path(n, batch_size, drop_last, shuffle,
                                                           seed):
    x = np.arange(n, dtype=np.float32)[:, None] * np.ones((1, 3), dtype=np.float32)
    y = np.arange(n)
    kwargs = dict(batch_size=batch_size, shuffle=shuffle, drop_last=drop_last)
    fast = DataLoader(TensorDataset(x, y), generator=seeded(seed), **kwargs)
    slow = DataLoader(SlowTensorDataset(x, y), generator=seeded(seed), **kwargs)
    for _ in range(2):  # two epochs: a new order each, the same in both
        fast_batches, slow_batches = list(fast), list(slow)
        assert len(fast_batches) == len(slow_batches) == len(fast)
        assert len(fast) == (n // batch_size if drop_last else -(-n // batch_size))
        for a, b in zip(fast_batches, slow_batches):
            assert type(a) is type(b) is list and len(a) == 2
            for u, v in zip(a, b):
                assert u.dtype == v.dtype and u.shape == v.shape
                np.testing.assert_array_equal(u.numpy(), v.numpy())
        seen = np.concatenate([yb.numpy() for _, yb in fast_batches] + [np.zeros(0, int)])
        assert len(np.unique(seen)) == len(seen)
        if not drop_last:
            np.testing.assert_array_equal(np.sort(seen), y)
        if not shuffle:
            np.testing.assert_array_equal(seen, y[:len(seen)])
        for xb, yb in fast_batches:  # inputs stay paired with their labels
            np.testing.assert_array_equal(xb.numpy()[:, 0], yb.numpy())


def test_batches_keep_the_dtypes_and_are_copies():
    x, y = np.arange(24, dtype=np.uint8).reshape(6, 1, 2, 2), np.arange(6, dtype=np.int32)
    xb, yb = next(iter(DataLoader(TensorDataset(x, y), batch_size=4)))
    assert xb.dtype == np.uint8 and xb.shape == (4, 1, 2, 2)  # as PyTorch: no conversion
    assert yb.dtype == np.int32 and yb.shape == (4,)
    xb.data += 1
    assert x.max() == 23  # the data set is unchanged


def test_loader_with_a_fixed_sampler_matches_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    x = rng.standard_normal((10, 3)).astype(np.float32)
    y = rng.integers(0, 5, 10)
    order = [9, 0, 4, 4, 7, 2, 1]
    for kwargs in ({"batch_size": 3}, {"batch_size": 3, "drop_last": True}, {"batch_size": 1},
                   {"batch_size": None}):
        ours = DataLoader(TensorDataset(x, y), sampler=order, **kwargs)
        theirs = torch.utils.data.DataLoader(
            torch.utils.data.TensorDataset(torch.from_numpy(x), torch.from_numpy(y)),
            sampler=order, **kwargs)
        assert len(ours) == len(theirs)
        ours_batches, theirs_batches = list(ours), list(theirs)
        assert len(ours_batches) == len(theirs_batches)
        for a, b in zip(ours_batches, theirs_batches):
            same_batch(a, b, torch, str(kwargs))
    pairs = [[3, 1], [0], [2, 2, 2]]  # batch_sampler: the batches given whole
    ours = DataLoader(TensorDataset(x, y), batch_sampler=pairs)
    theirs = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.from_numpy(x)),
                                         batch_sampler=pairs)
    assert len(ours) == len(theirs) == 3
    for a, b in zip(ours, theirs):
        same_batch(a[:1], b, torch)


def test_loader_of_a_dataset_of_dicts_and_numbers():
    class Pairs(Dataset):
        def __len__(self):
            return 5

        def __getitem__(self, i):
            return {"image": np.full((2,), i, np.float32), "label": i, "weight": 0.5 * i}

    loader = DataLoader(Pairs(), batch_size=2)
    batch = next(iter(loader))
    assert batch["image"].shape == (2, 2) and batch["label"].dtype == np.int64
    assert batch["weight"].dtype == np.float64 and len(loader) == 3
    assert DataLoader(Pairs(), batch_size=4, collate_fn=len).__iter__().__next__() == 4


def test_loader_of_tensors_that_require_grad_records_the_stack():
    x = mg.ones(4, 2, requires_grad=True)
    xb, = next(iter(DataLoader(TensorDataset(x), batch_size=4)))
    xb.sum().backward()  # the per-sample path, so the graph reaches x
    np.testing.assert_array_equal(x.grad.numpy(), np.ones((4, 2)))


def test_shuffle_is_reproducible_and_changes_every_epoch():
    data = TensorDataset(np.zeros((100, 1), np.float32), np.arange(100))
    a = DataLoader(data, batch_size=32, shuffle=True, generator=seeded(11))
    b = DataLoader(data, batch_size=32, shuffle=True, generator=seeded(11))
    a1, a2 = np.concatenate(labels(a)), np.concatenate(labels(a))
    b1, b2 = np.concatenate(labels(b)), np.concatenate(labels(b))
    np.testing.assert_array_equal(a1, b1)
    np.testing.assert_array_equal(a2, b2)
    assert not np.array_equal(a1, a2) and not np.array_equal(a1, np.arange(100))
    other = DataLoader(data, batch_size=32, shuffle=True, generator=seeded(12))
    assert not np.array_equal(a1, np.concatenate(labels(other)))
    mg.manual_seed(3)  # without generator=, the default generator decides, as in PyTorch
    c1 = np.concatenate(labels(DataLoader(data, batch_size=32, shuffle=True)))
    mg.manual_seed(3)
    np.testing.assert_array_equal(c1, np.concatenate(labels(DataLoader(data, batch_size=32,
                                                                          shuffle=True))))


def test_state_dict_restores_the_next_epochs():
    data = TensorDataset(np.zeros((50, 1), np.float32), np.arange(50))
    original = DataLoader(data, batch_size=8, shuffle=True, generator=seeded(5))
    labels(original)
    state = original.state_dict()
    before = repr(state)
    expected = [labels(original) for _ in range(2)]
    assert repr(state) == before  # a snapshot, not a live view
    resumed = DataLoader(data, batch_size=8, shuffle=True, generator=seeded(999))
    resumed.load_state_dict(state)
    for want in expected:
        got = labels(resumed)
        assert len(got) == len(want)
        for g, w in zip(got, want):
            np.testing.assert_array_equal(g, w)
    iterator = iter(resumed)  # the order is drawn at iter(), so this state is the next epoch's
    after_iter = resumed.state_dict()
    epoch = [b[1].numpy() for b in iterator]
    resumed.load_state_dict(after_iter)
    assert not all(np.array_equal(a, b[1].numpy()) for a, b in zip(epoch, resumed))


def test_state_dict_errors():
    data = TensorDataset(np.zeros((5, 2), np.float32))
    assert DataLoader(data).state_dict() == {"generator": None}  # nothing random to save
    DataLoader(data).load_state_dict({"generator": None})
    with pytest.raises(ValueError, match="generator=mg.Generator"):
        DataLoader(data, shuffle=True).state_dict()
    loader = DataLoader(data, batch_size=2, shuffle=True, generator=seeded(0))
    with pytest.raises(ValueError, match="load_state_dict"):
        loader.load_state_dict({"generator": 3})
    with pytest.raises(ValueError, match="MT19937"):
        loader.load_state_dict({"generator": np.random.MT19937(0).state})
    with pytest.raises(ValueError, match="not random"):
        DataLoader(data).load_state_dict(loader.state_dict())
    unlinked = DataLoader(data, sampler=RandomSampler(data), generator=seeded(0))
    with pytest.raises(ValueError, match="default generator"):  # the sampler's decides
        unlinked.state_dict()


def test_the_old_call_form_says_what_to_write():
    x, y = np.zeros((5, 2), np.float32), np.arange(5)
    for call in (lambda: DataLoader(x, y, batch_size=2, shuffle=True, seed=0),
                 lambda: DataLoader(x, mg.tensor(y), 2)):
        with pytest.raises(TypeError, match=r"DataLoader\(TensorDataset\(x, y\), batch_size="):
            call()
    with pytest.raises(ValueError):  # also the type PyTorch raises for an array batch_size
        DataLoader(x, y)
    with pytest.raises(TypeError, match=r"generator=mg.Generator\(\).manual_seed\(0\)"):
        DataLoader(TensorDataset(x), batch_size=2, seed=0)
    assert mg.data.DataLoader is DataLoader and mg.data.TensorDataset is TensorDataset


BAD_LOADERS = {
    "batch_size=0": dict(batch_size=0), "batch_size=2.5": dict(batch_size=2.5),
    "batch_size=True": dict(batch_size=True), "num_workers=-1": dict(num_workers=-1),
    "timeout=-1": dict(timeout=-1), "prefetch_factor=2": dict(prefetch_factor=2),
    "persistent_workers": dict(persistent_workers=True),
    "multiprocessing_context": dict(multiprocessing_context="fork"),
    "sampler and shuffle": dict(sampler=[0, 1], shuffle=True),
    "batch_sampler and batch_size": dict(batch_sampler=[[0, 1]], batch_size=2),
    "batch_sampler and drop_last": dict(batch_sampler=[[0, 1]], drop_last=True),
    "batch_size=None and drop_last": dict(batch_size=None, drop_last=True),
}


@pytest.mark.parametrize("name", BAD_LOADERS)
def test_bad_loader_arguments_raise_torchs_errors(name):
    data = TensorDataset(np.zeros(4, np.float32))
    with pytest.raises(ValueError, match="DataLoader: "):
        DataLoader(data, **BAD_LOADERS[name])
    torch = pytest.importorskip("torch")
    with pytest.raises(ValueError):
        torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.zeros(4)),
                                    **BAD_LOADERS[name])


def test_workers_give_the_same_batches_and_attributes_are_fixed():
    data = TensorDataset(np.arange(5, dtype=np.float32))
    batches = [b[0].tolist() for b in DataLoader(data, batch_size=2)]
    assert [b[0].tolist() for b in DataLoader(
        data, batch_size=2, num_workers=2, persistent_workers=True, prefetch_factor=4,
        worker_init_fn=lambda worker: 1 / 0)] == batches == [[0, 1], [2, 3], [4]]
    loader = DataLoader(data, batch_size=3, pin_memory=True)  # pinning is ignored on a CPU
    assert (loader.dataset, loader.batch_size, loader.drop_last) == (data, 3, False)
    assert type(loader.sampler) is SequentialSampler and type(loader.batch_sampler) is BatchSampler
    assert loader.collate_fn is default_collate and loader.num_workers == 0
    with pytest.raises(ValueError, match="batch_size attribute should not be set"):
        loader.batch_size = 2
    unbatched = DataLoader(data, batch_size=None)
    assert unbatched.batch_sampler is None and unbatched.collate_fn is default_convert
    assert len(unbatched) == 5 and next(iter(unbatched))[0].shape == ()
    with pytest.raises(TypeError, match="integer indices"):
        list(DataLoader(data, sampler=[0.5], batch_size=1))
