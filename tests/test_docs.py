"""The docs stay true: every name they cite exists, and the formulas they derive hold.

docs/tour.md and docs/derivations.md cite code in one form, a Markdown link whose text is the
name in backticks and whose target is the file:

    [`run_backward`](../minigrad/autograd.py)        a function or class in that file
    [`Tensor.backward`](../minigrad/tensor.py)       a method (or attribute) of a class in it

Names are resolved by parsing the file with `ast` (nothing is imported or run), so a renamed
or deleted function makes `test_every_named_function_exists` fail, naming the page, the file
and the name. Other relative links must point at files that exist, and `#anchors` at headings.

The second half checks the derivations numerically, each against minigrad's own backward.
"""

import ast
import inspect
import math
import pathlib
import re
import subprocess
import sys

import numpy as np
import pytest

import minigrad as mg
import minigrad.functional as F
import minigrad.nn
import minigrad.optim

ROOT = pathlib.Path(__file__).resolve().parent.parent
DOCS = sorted((ROOT / "docs").glob("*.md"))  # every page's links are checked
READERS_PATH = [ROOT / "docs" / "tour.md", ROOT / "docs" / "derivations.md"]

#: [`name`](target): a citation of a function, class or method in a file.
CITATION = re.compile(r"\[`(?P<name>[^`\]]+)`\]\((?P<target>[^)\s]+)\)")
#: [text](target): any Markdown link (images excluded).
LINK = re.compile(r"(?<!!)\[(?P<text>[^\]]*)\]\((?P<target>[^)\s]+)\)")
#: "`minigrad/ops/conv.py`": a path named in code font, which must exist too.
CODE_PATH = re.compile(r"`((?:minigrad|models|analysis|tests|examples|docs)/[\w./]*\w)`")
DOTTED_NAME = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*")


def defined_names(tree):
    """{name: node} for the functions, classes and assigned names directly in `tree`'s body."""
    names = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names[node.name] = node
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    names[target.id] = node
    return names


def resolve(path, dotted):
    """True if `dotted` ("f", "Class", "Class.method") is defined in the Python file `path`."""
    scope = ast.parse(path.read_text(), filename=str(path))
    for part in dotted.split("."):
        node = defined_names(scope).get(part) if hasattr(scope, "body") else None
        if node is None:
            return False
        scope = node
    return True


def heading_anchors(markdown):
    """GitHub's anchors for the headings of a Markdown text."""
    anchors = set()
    for heading in re.findall(r"^#+ (.+)$", markdown, flags=re.M):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        anchors.add(slug)
    return anchors


def problems_in(markdown, page):
    """Every broken citation or link in `markdown`, which lives at path `page`."""
    problems = []
    for match in LINK.finditer(markdown):
        target = match.group("target")
        if re.match(r"[a-z]+:", target):
            continue  # an external URL: not checked offline
        file_part, _, anchor = target.partition("#")
        linked = (page.parent / file_part).resolve() if file_part else page
        if not linked.exists():
            problems.append(f"{page.name}: link to {target!r}: no such file")
            continue
        if anchor and linked.suffix == ".md" and anchor not in heading_anchors(linked.read_text()):
            problems.append(f"{page.name}: link to {target!r}: no heading with that anchor")
    for match in CITATION.finditer(markdown):
        name, target = match.group("name"), match.group("target")
        linked = (page.parent / target).resolve()
        if not DOTTED_NAME.fullmatch(name) or linked.suffix != ".py":
            problems.append(f"{page.name}: [`{name}`]({target}) is not a citation of the form "
                            f"[`name`](file.py)")
        elif linked.exists() and not resolve(linked, name):
            problems.append(f"{page.name}: {target} defines no {name!r}")
    for path in CODE_PATH.findall(markdown):
        if not (ROOT / path).exists():
            problems.append(f"{page.name}: `{path}` does not exist")
    return problems


def test_the_docs_exist():
    assert set(READERS_PATH) <= set(DOCS)


@pytest.mark.parametrize("page", DOCS, ids=lambda page: page.name)
def test_every_named_function_exists(page):
    problems = problems_in(page.read_text(), page)
    assert not problems, "\n".join(problems)


def test_the_checker_flags_made_up_names_files_and_anchors():
    page = ROOT / "docs" / "tour.md"
    good = ("[`run_backward`](../minigrad/autograd.py) [`Tensor.backward`](../minigrad/tensor.py) "
            "[`test_gradcheck`](../tests/test_conv.py) [the math](derivations.md#6-convolution)")
    assert problems_in(good, page) == []
    bad = {
        "[`run_backwards`](../minigrad/autograd.py)": "defines no 'run_backwards'",
        "[`Tensor.no_such_method`](../minigrad/tensor.py)": "defines no",
        "[`Node.name.deeper`](../minigrad/function.py)": "defines no",
        "[`run_backward`](../minigrad/no_such_file.py)": "no such file",
        "[`run_backward`](../minigrad/autograd.py#L10)": "not a citation",
        "[math](derivations.md#no-such-section)": "no heading with that anchor",
        "see `minigrad/no_such_module.py`": "does not exist",
    }
    for text, complaint in bad.items():
        problems = problems_in(text, page)
        assert len(problems) == 1 and complaint in problems[0], (text, problems)


def test_every_page_cites_code():
    for page in READERS_PATH:
        assert len(CITATION.findall(page.read_text())) >= 20, page.name


@pytest.mark.parametrize("page", READERS_PATH, ids=lambda page: page.name)
def test_stated_reading_time_matches_the_word_count(page):
    text = page.read_text()
    match = re.search(r"about (\d+) minutes \(([\d,]+) words at 200 words per minute\)", text)
    assert match, f"{page.name} should say how long it takes to read"
    minutes, stated_words = int(match.group(1)), int(match.group(2).replace(",", ""))
    words = len(text.split())
    assert abs(stated_words - words) <= 0.05 * words, (stated_words, words)
    assert minutes == round(words / 200), (minutes, words)


def test_the_tour_visits_every_stop_of_the_brief():
    cited = set(CITATION.findall((ROOT / "docs" / "tour.md").read_text()))
    for name, path in [
        ("Function.apply", "function.py"), ("Node", "function.py"),
        ("topological_order", "autograd.py"), ("run_backward", "autograd.py"),
        ("unbroadcast", "ops/arithmetic.py"), ("Tensor._accumulate_grad", "tensor.py"),
        ("Tensor.register_hook", "tensor.py"), ("no_grad", "autograd.py"),
        ("Context.release", "function.py"),
    ]:
        assert (name, f"../minigrad/{path}") in cited, name


def test_derivations_cover_every_registered_op():
    cited = {name for name, _ in CITATION.findall((ROOT / "docs" / "derivations.md").read_text())}
    ops = {name for name, op in mg.Function.registry.items()
           if op.__module__.startswith("minigrad.")}
    missing = sorted(ops - cited)
    assert not missing, f"ops with no derivation in docs/derivations.md: {missing}"


def test_the_tours_example_runs_and_its_graph_listing_is_the_real_order():
    tour = (ROOT / "docs" / "tour.md").read_text()
    code = re.search(r"```python\n(.*?)```", tour, flags=re.S).group(1)
    listing = re.search(r"```\n(leaf W1.*?)```", tour, flags=re.S).group(1)
    expected = [word for word in listing.split() if re.fullmatch(r"[A-Z][A-Za-z]+|leaf", word)]
    # A fresh process, so that the tour's code runs as a reader would paste it; the order is
    # taken just before backward, which releases the graph.
    assert code.count("loss.backward()") == 1
    script = "from minigrad.autograd import topological_order\n" + code.replace(
        "loss.backward()",
        "print(' '.join(t._node.function.__name__ if t._node else 'leaf' "
        "for t in topological_order(loss))); loss.backward()")
    script += "\nassert all(p.grad is not None for p in model.parameters())\n"
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == expected


def test_the_code_quoted_in_the_tour_is_the_source():
    from minigrad.ops import arithmetic

    tour = (ROOT / "docs" / "tour.md").read_text()
    quoted = re.search(r"```python\n(class Mul\(Function\):.*?)```", tour, flags=re.S).group(1)
    assert quoted == inspect.getsource(arithmetic.Mul)


# ----- public API docstrings ----------------------------------------------------------------

def public_objects():
    """(qualified name, object) for every public function, class and method of the packages
    users call: minigrad.functional, minigrad.nn, minigrad.optim and their submodules."""
    modules = [F, minigrad.nn, minigrad.nn.init, minigrad.optim, minigrad.optim.lr_scheduler]
    seen = set()
    for module in modules:
        for name, value in vars(module).items():
            if name.startswith("_") or not (inspect.isfunction(value) or inspect.isclass(value)):
                continue
            if not getattr(value, "__module__", "").startswith("minigrad") or id(value) in seen:
                continue
            seen.add(id(value))
            yield f"{module.__name__}.{name}", value
            if inspect.isclass(value):
                for attr, member in vars(value).items():
                    if attr.startswith("_"):
                        continue
                    if isinstance(member, (staticmethod, classmethod)):
                        member = member.__func__
                    if isinstance(member, property) or inspect.isfunction(member):
                        yield f"{module.__name__}.{name}.{attr}", getattr(value, attr)


def test_every_public_function_and_class_has_a_docstring():
    objects = list(public_objects())
    assert len(objects) > 100  # the walk found the API
    missing = [name for name, value in objects if not (inspect.getdoc(value) or "").strip()]
    assert not missing, f"public names without a docstring: {missing}"


# ----- the derivations, checked numerically -------------------------------------------------

def t(array):
    return mg.tensor(np.asarray(array, dtype=np.float64))


def leaf(array):
    return mg.tensor(np.asarray(array, dtype=np.float64), requires_grad=True)


def conv_numpy(x, w, **kwargs):
    """conv2d on arrays, outside any graph."""
    with mg.no_grad():
        return F.conv2d(t(x), t(w), **kwargs).detach().numpy()


CONV_GEOMETRIES = [  # (kernel (kH, kW), stride, padding, dilation)
    ((3, 3), 1, 0, 1), ((3, 3), 1, 1, 1), ((3, 2), 2, 1, 1), ((3, 3), 2, 0, 2),
    ((2, 3), 3, 2, 1), ((1, 1), 2, 0, 1),
]


def conv_and_its_gradients(kernel, stride, padding, dilation, seed=0):
    rng = np.random.default_rng(seed)
    x, w = leaf(rng.standard_normal((2, 3, 9, 8))), leaf(rng.standard_normal((4, 3) + kernel))
    y = F.conv2d(x, w, stride=stride, padding=padding, dilation=dilation)
    g = rng.standard_normal(y.shape)
    y.backward(g)
    return x.detach().numpy(), w.detach().numpy(), g, x.grad, w.grad


@pytest.mark.parametrize("kernel, stride, padding, dilation", CONV_GEOMETRIES)
def test_conv_input_gradient_is_a_full_correlation_with_the_flipped_kernel(kernel, stride,
                                                                          padding, dilation):
    x, w, g, x_grad, _ = conv_and_its_gradients(kernel, stride, padding, dilation)
    (kh, kw), (n, o, ho, wo) = kernel, g.shape
    # Stride becomes dilation of the gradient: s - 1 zeros between neighbouring entries.
    g_up = np.zeros((n, o, (ho - 1) * stride + 1, (wo - 1) * stride + 1))
    g_up[:, :, ::stride, ::stride] = g
    # Kernel with its channel axes swapped (C_in, C_out) and its taps rotated by 180 degrees.
    w_flip = w.transpose(1, 0, 2, 3)[:, :, ::-1, ::-1]
    full = conv_numpy(g_up, w_flip, padding=((kh - 1) * dilation, (kw - 1) * dilation),
                      dilation=dilation)
    padded = np.zeros(x.shape[:2] + (x.shape[2] + 2 * padding, x.shape[3] + 2 * padding))
    padded[:, :, :full.shape[2], :full.shape[3]] = full  # rows never read keep 0
    cropped = padded[:, :, padding:padding + x.shape[2], padding:padding + x.shape[3]]
    np.testing.assert_allclose(x_grad, cropped, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("kernel, stride, padding, dilation", CONV_GEOMETRIES)
def test_conv_weight_gradient_is_a_correlation_of_input_and_output_gradient(kernel, stride,
                                                                           padding, dilation):
    x, w, g, _, w_grad = conv_and_its_gradients(kernel, stride, padding, dilation)
    x_pad = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    # The batch becomes the channel axis (summed), g is the kernel: forward's stride is its
    # dilation, and forward's dilation is the stride.
    corr = conv_numpy(x_pad.transpose(1, 0, 2, 3), g.transpose(1, 0, 2, 3), dilation=stride,
                      stride=dilation)
    expected = corr[:, :, :kernel[0], :kernel[1]].transpose(1, 0, 2, 3)
    np.testing.assert_allclose(w_grad, expected, rtol=1e-10, atol=1e-10)


def test_separable_factor_gradients_are_the_kernel_gradient_through_the_outer_product():
    rng = np.random.default_rng(1)
    x, g = rng.standard_normal((2, 1, 7, 6)), rng.standard_normal((2, 1, 7, 6))
    col, row = leaf(rng.standard_normal(3)), leaf(rng.standard_normal(3))
    F.spatial_separable_conv2d(t(x), row.reshape(1, 1, 1, 3), col.reshape(1, 1, 3, 1),
                               padding=1).backward(g)
    kernel = leaf(np.outer(col.detach().numpy(), row.detach().numpy()).reshape(1, 1, 3, 3))
    F.conv2d(t(x), kernel, padding=1).backward(g)
    kernel_grad = kernel.grad[0, 0]
    np.testing.assert_allclose(row.grad, col.detach().numpy() @ kernel_grad, rtol=1e-10)
    np.testing.assert_allclose(col.grad, kernel_grad @ row.detach().numpy(), rtol=1e-10)


def test_cross_entropy_gradient_is_softmax_minus_onehot_over_n():
    rng = np.random.default_rng(2)
    logits, labels = leaf(rng.standard_normal((5, 4)) * 3), np.array([0, 3, 1, 1, 2])
    F.cross_entropy(logits, labels).backward(np.array(0.7))
    p = np.exp(logits.detach().numpy()) / np.exp(logits.detach().numpy()).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(logits.grad, 0.7 * (p - np.eye(4)[labels]) / 5, rtol=1e-12)


@pytest.mark.parametrize("shape", [(6, 3), (2, 3, 4, 5)])
def test_batch_norm_gradient_is_the_derived_formula(shape):
    rng = np.random.default_rng(3)
    x, g = leaf(rng.standard_normal(shape) * 2 + 1), rng.standard_normal(shape)
    gamma, beta = leaf(rng.standard_normal(3)), leaf(rng.standard_normal(3))
    F.batch_norm(x, None, None, gamma, beta, training=True, eps=1e-5).backward(g)
    axes = (0,) + tuple(range(2, len(shape)))
    per_channel = (1, 3) + (1,) * (len(shape) - 2)
    n = x.detach().numpy().size // 3
    mu = x.detach().numpy().mean(axis=axes, keepdims=True)
    inv_std = 1 / np.sqrt(x.detach().numpy().var(axis=axes, keepdims=True) + 1e-5)
    xhat = (x.detach().numpy() - mu) * inv_std
    sum_g = g.sum(axis=axes, keepdims=True)
    sum_g_xhat = (g * xhat).sum(axis=axes, keepdims=True)
    dx = (1 / n) * gamma.detach().numpy().reshape(per_channel) * inv_std * (n * g - sum_g - xhat * sum_g_xhat)
    np.testing.assert_allclose(x.grad, dx, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(gamma.grad, sum_g_xhat.ravel(), rtol=1e-12)
    np.testing.assert_allclose(beta.grad, sum_g.ravel(), rtol=1e-12)
    # Blind to a shift of each channel: the gradient sums to 0.
    np.testing.assert_allclose(x.grad.sum(axis=axes), 0, atol=1e-10)
    # Blind to a scaling too, exactly when eps = 0 (eps keeps the variance from being exact).
    x.grad = None
    F.batch_norm(x, None, None, gamma, beta, training=True, eps=0.0).backward(g)
    xhat = (x.detach().numpy() - mu) / x.detach().numpy().std(axis=axes, keepdims=True)
    np.testing.assert_allclose((x.grad * xhat).sum(axis=axes), 0, atol=1e-10)


def test_residual_gradient_is_the_product_of_identity_plus_jacobians():
    # x_{i+1} = x_i + tanh(x_i) @ W_i for a row vector x. Block i's Jacobian, as it acts on a
    # gradient (row vector) from the right: M_i[k, j] = dx_{i+1}[j] / dx_i[k] = I + diag(1 -
    # tanh^2(x_i)) W_i. Then dL/dx_0 = (M_0 M_1 ... M_{L-1}) dL/dx_L.
    rng = np.random.default_rng(4)
    depth, width = 6, 4
    weights = [rng.standard_normal((width, width)) * 0.5 for _ in range(depth)]
    x0 = leaf(rng.standard_normal((1, width)))
    xs, h = [x0.detach().numpy()[0]], x0
    for weight in weights:
        h = F.skip_add(h, F.tanh(h) @ t(weight))
        xs.append(h.detach().numpy()[0])
    top = rng.standard_normal((1, width))
    h.backward(top)
    product = np.eye(width)
    for x_i, weight in zip(xs, weights):
        product = product @ (np.eye(width) + np.diag(1 - np.tanh(x_i) ** 2) @ weight)
    np.testing.assert_allclose(x0.grad[0], product @ top[0], rtol=1e-10)
    # He et al. 2016, eq. 5: the identity appears once, on top of the branch terms.
    branches_only = product - np.eye(width)
    np.testing.assert_allclose(x0.grad[0], top[0] + branches_only @ top[0], rtol=1e-10)


@pytest.mark.parametrize("lam", [0.5, 0.9, 1.0, 1.1])
def test_zero_branches_give_exactly_lambda_to_the_depth(lam):
    # He et al. 2016, eq. 8 with F = 0: dL/dx_0 = lambda^L dL/dx_L, nothing else.
    from minigrad.models.stacks import residual_mlp

    depth = 12
    model = residual_mlp(depth, 8, "tanh", shortcut_scale=lam, branch_scale=0.0,
                         generator=np.random.default_rng(0)).to(np.float64)
    x0 = leaf(np.random.default_rng(5).standard_normal((3, 8)))
    out = model.blocks(x0)
    top = np.random.default_rng(6).standard_normal(out.shape)
    out.backward(top)
    np.testing.assert_allclose(x0.grad, lam ** depth * top, rtol=1e-12)
    assert math.isclose(np.linalg.norm(x0.grad) / np.linalg.norm(top), lam ** depth,
                        rel_tol=1e-12)
