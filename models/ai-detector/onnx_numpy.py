"""Minimal pure-numpy interpreter for the detector's ONNX graph (float64 math).

Covers only the operators the exported detector uses; used to produce and check
the golden output independently of torch, and by eval.py to score the shipped file.
"""
import numpy as np
import onnx
from onnx import numpy_helper


def _attrs(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def _conv(x, w, b, strides, pads, group=1, dilations=(1, 1)):
    assert tuple(dilations) == (1, 1)
    if group > 1:
        cg, og = x.shape[1] // group, w.shape[0] // group
        return np.concatenate([_conv(x[:, i * cg:(i + 1) * cg], w[i * og:(i + 1) * og],
                                     None if b is None else b[i * og:(i + 1) * og], strides, pads)
                               for i in range(group)], axis=1)
    n, c, h, wd = x.shape
    oc, ic, kh, kw = w.shape
    x = np.pad(x, ((0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])))
    sh, sw = strides
    oh = (x.shape[2] - kh) // sh + 1
    ow = (x.shape[3] - kw) // sw + 1
    cols = np.empty((n, c, kh, kw, oh, ow), dtype=x.dtype)
    for i in range(kh):
        for j in range(kw):
            cols[:, :, i, j] = x[:, :, i:i + sh * oh:sh, j:j + sw * ow:sw]
    out = np.einsum("ncklhw,ockl->nohw", cols, w, optimize=True)
    if b is not None:
        out = out + b[None, :, None, None]
    return out


def run(path, x):
    model = onnx.load(path)
    g = model.graph
    env = {t.name: numpy_helper.to_array(t).astype(np.float64) for t in g.initializer}
    env[g.input[0].name] = np.asarray(x, dtype=np.float64)
    for node in g.node:
        a = _attrs(node)
        ins = [env[i] if i else None for i in node.input]
        op = node.op_type
        if op == "Constant":
            out = numpy_helper.to_array(a["value"]).astype(np.float64)
        elif op == "Conv":
            w = ins[1]
            k = w.shape[2:]
            out = _conv(ins[0], w, ins[2] if len(ins) > 2 else None, a.get("strides", [1, 1]),
                        a.get("pads", [0, 0, 0, 0]), a.get("group", 1), a.get("dilations", [1, 1]))
            assert tuple(a.get("kernel_shape", k)) == tuple(k)
        elif op == "Relu":
            out = np.maximum(ins[0], 0)
        elif op == "Sub":
            out = ins[0] - ins[1]
        elif op == "Mul":
            out = ins[0] * ins[1]
        elif op == "Add":
            out = ins[0] + ins[1]
        elif op == "GlobalAveragePool":
            out = ins[0].mean(axis=(2, 3), keepdims=True)
        elif op == "ReduceMean":
            out = ins[0].mean(axis=tuple(a["axes"]), keepdims=bool(a.get("keepdims", 1)))
        elif op == "Flatten":
            ax = a.get("axis", 1)
            out = ins[0].reshape(int(np.prod(ins[0].shape[:ax])), -1)
        elif op == "Gemm":
            A, B = ins[0], ins[1]
            if a.get("transA", 0):
                A = A.T
            if a.get("transB", 0):
                B = B.T
            out = a.get("alpha", 1.0) * A @ B
            if len(ins) > 2 and ins[2] is not None:
                out = out + a.get("beta", 1.0) * ins[2]
        elif op == "Abs":
            out = np.abs(ins[0])
        elif op == "Log":
            out = np.log(ins[0])
        elif op == "Exp":
            out = np.exp(ins[0])
        elif op == "Neg":
            out = -ins[0]
        elif op == "Div":
            out = ins[0] / ins[1]
        elif op == "Concat":
            out = np.concatenate(ins, axis=a["axis"])
        elif op == "Slice":
            starts, ends = ins[1].astype(np.int64), ins[2].astype(np.int64)
            axes = ins[3].astype(np.int64) if len(ins) > 3 and ins[3] is not None else range(len(starts))
            steps = ins[4].astype(np.int64) if len(ins) > 4 and ins[4] is not None else [1] * len(starts)
            sl = [slice(None)] * ins[0].ndim
            for st, en, ax, sp in zip(starts, ends, axes, steps):
                sl[int(ax)] = slice(int(st), int(min(en, ins[0].shape[int(ax)])), int(sp))
            out = ins[0][tuple(sl)]
        elif op == "Sqrt":
            out = np.sqrt(ins[0])
        elif op == "Pow":
            out = np.power(ins[0], ins[1])
        elif op == "MatMul":
            out = ins[0] @ ins[1]
        else:
            raise NotImplementedError(op)
        env[node.output[0]] = out
    return env[g.output[0].name]
