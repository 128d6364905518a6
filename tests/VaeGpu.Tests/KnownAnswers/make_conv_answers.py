#!/usr/bin/env python3
# Writes conv_answers.json: small conv, transposed conv, pooling and batch-norm cases whose outputs
# and gradients PyTorch (Debian python3-torch 1.13, float64 on the CPU) computed once from float32
# inputs. The tests read the JSON and do not need PyTorch. Each case's loss is sum(y * g) for a
# random g, so the gradients are those of y with respect to everything given dy = g.
# Run: env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 make_conv_answers.py
# (Debian's python3, where python3-torch is installed; a pyenv python3 earlier on PATH lacks torch).
import json
import os

import torch
import torch.nn.functional as F

torch.manual_seed(20261129)


def rand(*shape):
    # float32 inputs, then float64 so PyTorch's answer is exact to float64 for these float32 values
    return torch.empty(*shape, dtype=torch.float32).uniform_(-1, 1).double().requires_grad_(True)


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


cases = []


def conv_case(name, x_shape, w_shape, stride, padding, transposed, output_padding=0):
    x, w, b = rand(*x_shape), rand(*w_shape), rand(w_shape[1] if transposed else w_shape[0])
    if transposed:
        y = F.conv_transpose2d(x, w, b, stride=stride, padding=padding, output_padding=output_padding)
    else:
        y = F.conv2d(x, w, b, stride=stride, padding=padding)
    g = rand(*y.shape).detach()
    (y * g).sum().backward()
    cases.append(dict(name=name, op="conv_transpose2d" if transposed else "conv2d",
                      x_shape=list(x_shape), w_shape=list(w_shape), y_shape=list(y.shape),
                      stride=stride, padding=padding, output_padding=output_padding,
                      x=flat(x), w=flat(w), b=flat(b), g=flat(g), y=flat(y),
                      dx=flat(x.grad), dw=flat(w.grad), db=flat(b.grad)))


def pool_case(name, op, x_shape, kernel, stride):
    x = rand(*x_shape)
    if op == "max_pool2d":
        y, indices = F.max_pool2d(x, kernel, stride, return_indices=True)
    else:
        y, indices = F.avg_pool2d(x, kernel, stride), None
    g = rand(*y.shape).detach()
    (y * g).sum().backward()
    case = dict(name=name, op=op, x_shape=list(x_shape), y_shape=list(y.shape), kernel=kernel,
                stride=stride, x=flat(x), g=flat(g), y=flat(y), dx=flat(x.grad))
    if indices is not None:
        case["indices"] = [int(v) for v in indices.reshape(-1).tolist()]
    cases.append(case)


def batch_norm_case(name, x_shape):
    channels = x_shape[1]
    bn = torch.nn.BatchNorm2d(channels) if len(x_shape) == 4 else torch.nn.BatchNorm1d(channels)
    bn = bn.double()
    with torch.no_grad():
        bn.weight.copy_(torch.empty(channels).uniform_(0.5, 1.5).float().double())
        bn.bias.copy_(torch.empty(channels).uniform_(-1, 1).float().double())
        bn.running_mean.copy_(torch.empty(channels).uniform_(-1, 1).float().double())
        bn.running_var.copy_(torch.empty(channels).uniform_(0.5, 2).float().double())
    start = dict(weight=flat(bn.weight), bias=flat(bn.bias), running_mean=flat(bn.running_mean),
                 running_var=flat(bn.running_var))
    x = (rand(*x_shape) * 2 + 0.5).detach().float().double().requires_grad_(True)
    bn.train()
    y = bn(x)
    g = rand(*y.shape).detach()
    (y * g).sum().backward()
    bn.eval()
    x_eval = rand(*x_shape).detach()
    y_eval = bn(x_eval)
    cases.append(dict(name=name, op="batch_norm", x_shape=list(x_shape), momentum=0.1, eps=1e-5,
                      x=flat(x), g=flat(g), y=flat(y), dx=flat(x.grad), dweight=flat(bn.weight.grad),
                      dbias=flat(bn.bias.grad), running_mean_after=flat(bn.running_mean),
                      running_var_after=flat(bn.running_var),
                      num_batches_tracked=int(bn.num_batches_tracked), x_eval=flat(x_eval),
                      y_eval=flat(y_eval), **start))


conv_case("conv2d k3 s2 p1", (2, 3, 7, 6), (4, 3, 3, 3), 2, 1, False)
conv_case("conv2d k5 s1 p2", (1, 2, 5, 7), (3, 2, 5, 5), 1, 2, False)
conv_case("conv2d k4 s2 p1", (2, 1, 9, 8), (2, 1, 4, 4), 2, 1, False)
conv_case("conv_transpose2d k4 s2 p1 op1", (2, 3, 4, 5), (3, 2, 4, 4), 2, 1, True, 1)
conv_case("conv_transpose2d k3 s1 p0", (1, 2, 3, 4), (2, 3, 3, 3), 1, 0, True)
pool_case("max_pool2d k3 s2", "max_pool2d", (2, 2, 7, 5), 3, 2)
pool_case("max_pool2d k2 s2", "max_pool2d", (1, 3, 6, 7), 2, 2)
pool_case("avg_pool2d k2 s2", "avg_pool2d", (1, 3, 6, 7), 2, 2)
pool_case("avg_pool2d k3 s1", "avg_pool2d", (2, 1, 5, 5), 3, 1)
batch_norm_case("batch_norm2d", (3, 2, 4, 5))
batch_norm_case("batch_norm1d", (5, 3))

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "conv_answers.json")
with open(out + ".tmp", "w") as f:
    json.dump(dict(producer="make_conv_answers.py", torch=torch.__version__, cases=cases), f)
os.replace(out + ".tmp", out)
print(f"wrote {len(cases)} cases to {out} with torch {torch.__version__}")
