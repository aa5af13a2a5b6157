#!/usr/bin/env python3
"""Writes the TorchScript fixtures of tests/priors/torchscript_denoiser_test.cpp with Debian's
python3-torch (1.13): a small eps-predicting network `tiny_eps.pt` (forward(x [B,1,H,W], t [B]) -> eps),
its sidecar `tiny_eps.pt.ini`, and `tiny_eps_reference.pt`, a module whose buffers hold an input x, t
and the output PyTorch computed for them.   /usr/bin/python3 make_torchscript.py   (in this directory; Debian python3-torch)"""
import torch


class TinyEps(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(1, 4, 3, padding=1)
        self.conv2 = torch.nn.Conv2d(4, 1, 3, padding=1)
        self.embed = torch.nn.Linear(1, 4)

    def forward(self, x, t):
        h = self.conv1(x) + self.embed(t.view(-1, 1) / 1000.0).view(-1, 4, 1, 1)
        return self.conv2(torch.nn.functional.silu(h))


class Reference(torch.nn.Module):
    def __init__(self, x, t, out):
        super().__init__()
        self.register_buffer("x", x)
        self.register_buffer("t", t)
        self.register_buffer("out", out)


torch.manual_seed(0)
model = TinyEps().eval()
scripted = torch.jit.script(model)
scripted.save("tiny_eps.pt")
x = torch.randn(2, 1, 8, 8)
t = torch.tensor([10.0, 500.0])
with torch.no_grad():
    out = model(x, t)
torch.jit.script(Reference(x, t, out)).save("tiny_eps_reference.pt")
with open("tiny_eps.pt.ini", "w") as f:
    f.write("# sidecar of tiny_eps.pt: what its forward(x, t) takes and returns\n"
            "output = eps\nschedule = vp\nbeta_start = 0.0001\nbeta_end = 0.02\nsteps = 1000\n"
            "channels = 1\nsize_multiple = 1\nimage_size = 8\nplane = axial\n")
