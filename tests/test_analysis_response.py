"""Block responses (analysis/block_response.py): the hooks read what each block's branch
saw and gave, on a hand-built net whose answer is known; the relative form at small size;
the claims and the verdict text.

The issue's claim is about trained ResNets at 20 and 56 layers; training them takes the
default report's minutes, so at small size only the part of the claim that holds before
training is tested (at initialization the relative form already falls with depth), and
the trained claim is checked in the default report.
"""

import numpy as np
import pytest

from minigrad import nn
from minigrad.analysis import block_response as response, cli
from minigrad.data import load_digits
from minigrad.models.resnet import resnet
from minigrad.models.stacks import Stack

SPLIT = load_digits(seed=0)


class Half(nn.Module):
    def forward(self, x):
        return x * 0.5


def two_block_net(residual):
    def block():
        inner = nn.ResidualBlock(Half()) if residual else Half()
        return nn.Sequential(inner, nn.ReLU())

    return Stack(nn.Identity(), nn.Sequential(block(), block()), nn.Identity())


@pytest.mark.parametrize("residual", [False, True])
def test_the_hooks_see_each_branchs_input_and_output(residual):
    x = np.random.default_rng(0).standard_normal((16, 3)).astype(np.float32)
    model = two_block_net(residual)
    model.train()
    inputs, responses = response.block_responses(model, x)
    # Block 1 sees x; block 2 sees ReLU(1.5 x) (residual) or ReLU(0.5 x) (plain).
    second = np.maximum(x, 0) * (1.5 if residual else 0.5)
    np.testing.assert_allclose(inputs, [np.std(x), np.std(second)], rtol=1e-6)
    np.testing.assert_allclose(responses, [0.5 * np.std(x), 0.5 * np.std(second)], rtol=1e-6)
    assert model.training  # the mode is restored
    assert all(not b[0]._forward_hooks for b in model.blocks)  # and the hooks removed
    assert all(not b[0].branch._forward_hooks for b in model.blocks if residual)


def test_measure_gives_the_relative_form_and_the_last_batch_norm_scale():
    model = resnet(1, in_channels=1, num_classes=10, generator=np.random.default_rng(0))
    last = [m for m in model.blocks[1][0].branch.modules() if isinstance(m, nn.BatchNorm2d)][-1]
    last.weight.data[:] = -2.0
    result = response.measure(model, SPLIT.x_train[:32])
    assert result["norm_scale"] == [1.0, 2.0, 1.0]
    np.testing.assert_allclose(result["relative"],
                               np.divide(result["absolute"],
                                         response.block_responses(model, SPLIT.x_train[:32])[0]))
    assert len(result["absolute"]) == 3 and result["mean_relative"] > 0


def test_at_initialization_the_relative_form_is_smaller_in_the_deeper_resnet():
    # After a calibrated batch norm every response has std about 1 while std(x) grows along
    # the identity paths: seed 0 measures means of 1.37 (8 layers) and 0.96 (20 layers).
    images = SPLIT.x_train[:128]
    means = {}
    for layers in (8, 20):
        result = response.measure(response.initial_resnet(layers, images, seed=0), images)
        np.testing.assert_allclose(result["absolute"], 1.0, atol=0.02)
        means[layers] = result["mean_relative"]
    assert means[20] < 0.85 * means[8], means


def hand_built_summary(relative, absolute, accuracy_56=0.97):
    nets = {}
    for layers, rel in relative.items():
        plain_abs, residual_abs = absolute[layers]
        plain = {"mean_absolute": plain_abs, "mean_norm_scale": 1.0,
                 "test_accuracy": accuracy_56 if layers == 56 else 0.97}
        residual = {"mean_absolute": residual_abs, "mean_norm_scale": 1.0, "mean_relative": rel,
                    "test_accuracy": 0.97,
                    "init": {"mean_absolute": 1.0, "mean_relative": rel + 0.1}}
        nets[layers] = {"plain": plain, "residual": residual}
    ratios = {d: p / r for d, (p, r) in absolute.items()}
    return {"nets": nets, "images": 8, "absolute_ratio": ratios,
            "absolute_reproduced": all(r >= response.SEPARATION for r in ratios.values())}


def test_claims_and_the_verdict_follow_the_numbers():
    summary = hand_built_summary({8: 1.4, 20: 0.8, 56: 0.9},
                                 {8: (1.0, 1.0), 20: (1.1, 1.0), 56: (2.0, 1.0)},
                                 accuracy_56=0.13)
    found = response.claims(summary)
    assert [c["holds"] for c in found] == [False, True]  # 56 vs 20 fails here, 20 vs 8 holds
    text = "\n".join(response.report_section(summary))
    assert "56 than at 20 layers: 0.900 against 0.800, does NOT hold" in text
    assert "did not reproduce at this scale" in text
    assert "The plain net at 56 layers (test accuracy 13%) trained poorly" in text
    assert "lower by 0%, 9%, 50% at 8, 20 and 56 layers" in text
    assert "| 8 | plain | 0.970 | 1.000 | 1.000 |  | n/a |  |" in text
    clear = hand_built_summary({8: 1.4, 20: 0.8}, {8: (2.0, 1.0), 20: (1.5, 1.0)})
    assert clear["absolute_reproduced"]
    assert "The paper's figure (the absolute form) reproduced" in "\n".join(
        response.report_section(clear))
    only_8 = hand_built_summary({8: 1.4}, {8: (1.0, 1.0)})
    assert response.claims(only_8) == []
    assert "Not measured: this size trains only the 8-layer pair" in "\n".join(
        response.report_section(only_8))


def test_the_quick_subcommand_writes_its_files(tmp_path):
    assert cli.main(["response", "--quick", "--out", str(tmp_path), "--no-progress"]) == 0
    for name in ("block_response.png", "block_response.json"):
        assert (tmp_path / name).stat().st_size > 0, name
