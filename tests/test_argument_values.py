"""Float arguments that mean nothing outside their range, NaN included, are refused where
they enter, with a ValueError that names the function, the argument and the range (NaN
passes every comparison, so a plain range check lets it through)."""

import numpy as np
import pytest

import minigrad as mg
import minigrad.functional as F
import minigrad.nn as nn

NAN = float("nan")
X = mg.randn(3, 2)
MAP = mg.randn(2, 2, 3, 3)
# (call, the words of the error)
REFUSED = {
    "F.pad of a float": (lambda: F.pad(X, 1.5), TypeError, r"pad: pad must be a flat tuple of ints"),
    "F.pad of float pads": (lambda: F.pad(X, (1.5, 1)), TypeError, r"pad: pad must be a flat"),
    "F.batch_norm eps -1": (lambda: F.batch_norm(X, None, None, training=True, eps=-1),
                            ValueError, r"batch_norm: eps must be in \[0, inf\], got -1"),
    "nn.BatchNorm1d eps -1": (lambda: nn.BatchNorm1d(2, eps=-1), ValueError,
                              r"BatchNorm1d: eps must be in \[0, inf\], got -1"),
    "F.batch_norm eps NaN": (lambda: F.batch_norm(X, None, None, training=True, eps=NAN),
                             ValueError, r"batch_norm: eps must be a number in \[0, inf\], got nan"),
    "F.batch_norm momentum NaN": (
        lambda: F.batch_norm(X, None, None, training=True, momentum=np.float32(NAN)),
        ValueError, r"batch_norm: momentum must be a number in \[0, 1\], got nan"),
    "nn.BatchNorm2d eps NaN": (lambda: nn.BatchNorm2d(2, eps=NAN), ValueError,
                               r"BatchNorm2d: eps must be a number in \[0, inf\], got nan"),
    "nn.BatchNorm2d momentum NaN": (lambda: nn.BatchNorm2d(2, momentum=NAN), ValueError,
                                    r"BatchNorm2d: momentum must be a number in \[0, 1\]"),
    "nn.BatchNorm1d momentum 2": (lambda: nn.BatchNorm1d(2, momentum=2), ValueError,
                                  r"BatchNorm1d: momentum must be in \[0, 1\], got 2"),
    "F.layer_norm eps NaN": (lambda: F.layer_norm(X, (2,), eps=NAN), ValueError,
                             r"layer_norm: eps must be a number in \[0, inf\], got nan"),
    "nn.LayerNorm eps NaN": (lambda: nn.LayerNorm(2, eps=NAN), ValueError, r"LayerNorm: eps"),
    "F.group_norm eps NaN": (lambda: F.group_norm(MAP, 1, eps=NAN), ValueError,
                             r"group_norm: eps must be a number"),
    "nn.GroupNorm eps NaN": (lambda: nn.GroupNorm(1, 2, eps=NAN), ValueError, r"GroupNorm: eps"),
    "F.dropout p NaN": (lambda: F.dropout(X, NAN), ValueError,
                        r"dropout: p must be a number in \[0, 1\], got nan"),
    "nn.Dropout p NaN": (lambda: nn.Dropout(NAN), ValueError, r"Dropout: p must be a number"),
    "F.cross_entropy label_smoothing NaN": (
        lambda: F.cross_entropy(X, mg.tensor([0, 1, 1]), label_smoothing=NAN), ValueError,
        r"cross_entropy: label_smoothing must be a number in \[0, 1\], got nan"),
    "nn.CrossEntropyLoss label_smoothing NaN": (
        lambda: nn.CrossEntropyLoss(label_smoothing=NAN), ValueError,
        r"CrossEntropyLoss: label_smoothing must be a number"),
    "F.smooth_l1_loss beta NaN": (lambda: F.smooth_l1_loss(X, X, beta=NAN), ValueError,
                                  r"smooth_l1_loss: beta must be a number in \[0, inf\]"),
    "nn.SmoothL1Loss beta NaN": (lambda: nn.SmoothL1Loss(beta=NAN), ValueError,
                                 r"SmoothL1Loss: beta must be a number"),
    "F.normalize eps NaN": (lambda: F.normalize(X, eps=NAN), ValueError, r"normalize: eps"),
    "F.cosine_similarity eps NaN": (lambda: F.cosine_similarity(X, X, eps=NAN), ValueError,
                                    r"cosine_similarity: eps must be a number"),
    "F.skip_add shortcut_scale NaN": (lambda: F.skip_add(X, X, shortcut_scale=NAN), ValueError,
                                      r"skip_add: shortcut_scale must be a number, got nan"),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_a_meaningless_value_is_refused_by_name(case):
    call, error, words = REFUSED[case]
    with pytest.raises(error, match=words):
        call()


def test_numpy_scalars_are_accepted_where_a_number_is():
    y = F.skip_add(X, X, shortcut_scale=np.float32(0.5))
    np.testing.assert_allclose(y.numpy(), 1.5 * X.numpy(), rtol=1e-6)
    layer = nn.BatchNorm1d(2, eps=np.float64(1e-3), momentum=np.float32(0.5))
    assert layer(X).shape == (3, 2)
