#!/usr/bin/env python3
"""Checks a model written by `fathom export SPEC.json --onnx MODEL --reference-output REF.json` against ONNX Runtime.

Usage: python3 scripts/onnx_check.py MODEL.onnx REF.json [--tolerance 1e-4]

Steps: onnx.checker.check_model (full check, with shape inference); feed REF.json's "input" (the documented seeded
input, [batch, C, H, W] float32, NCHW) to onnxruntime's CPU provider with every graph optimisation on
(ORT_ENABLE_ALL); compare the "logits" output with REF.json's "logits" (Fathom's own executor).
Criterion: max |onnxruntime - fathom| <= tolerance * max(1, max |fathom logit|), i.e. absolute for logits up to 1
in magnitude and relative to the largest logit beyond. Prints one JSON verdict line; exit status 0 when it holds,
1 on a mismatch or an invalid model, 2 when onnx or onnxruntime is missing or the files cannot be read.
Needs: python3 -m pip install onnx onnxruntime (numpy comes with them).
"""
import argparse
import json
import sys


def verdict(ok, **fields):
    print(json.dumps({"ok": ok, **fields}, sort_keys=True))
    return 0 if ok else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model")
    parser.add_argument("reference")
    parser.add_argument("--tolerance", type=float, default=1e-4)
    args = parser.parse_args()
    try:
        import numpy as np
        import onnx
        import onnxruntime as ort
    except ImportError as error:
        verdict(False, error=f"python3 lacks {error.name}: run `python3 -m pip install onnx onnxruntime`")
        return 2
    try:
        model = onnx.load(args.model)
        with open(args.reference) as file:
            reference = json.load(file)
    except Exception as error:  # a missing file, bad JSON, bytes that are not a protobuf
        verdict(False, error=f"cannot read inputs: {error}")
        return 2
    try:
        onnx.checker.check_model(model, full_check=True)
    except Exception as error:  # the checker raises several types; any of them means an invalid model
        return verdict(False, model=args.model, error=f"onnx.checker: {error}")

    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    session = ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])
    x = np.asarray(reference["input"], dtype=np.float32).reshape(reference["input_shape"])
    (logits,) = session.run(["logits"], {"input": x})
    expected = np.asarray(reference["logits"], dtype=np.float32).reshape(reference["logits_shape"])
    if logits.shape != expected.shape:
        return verdict(False, model=args.model, error=f"logits shape {list(logits.shape)} != reference {list(expected.shape)}")

    max_diff = float(np.max(np.abs(logits.astype(np.float64) - expected)))
    max_logit = float(np.max(np.abs(expected)))
    bound = args.tolerance * max(1.0, max_logit)
    return verdict(max_diff <= bound, model=args.model, space=reference.get("space"), arch=reference.get("arch"),
                   max_abs_diff=max_diff, max_abs_logit=max_logit, bound=bound, tolerance=args.tolerance,
                   criterion="max|diff| <= tolerance * max(1, max|logit|)", nodes=len(model.graph.node),
                   opset=model.opset_import[0].version, ir_version=model.ir_version,
                   onnx=onnx.__version__, onnxruntime=ort.__version__)


if __name__ == "__main__":
    sys.exit(main())
