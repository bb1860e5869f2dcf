"""Random-quantization sweep of edgec's int8 RSQRT, HARD_SWISH, GELU (erf and
tanh), SUB and SQUARED_DIFFERENCE against their peer (TFLM; LiteRT's
reference kernels for GELU): each case is a one-operator model with random
scales and zero points, run by `edgec simulate --check` (the generated C on
the host, checked against the reference interpreter) on every int8 input
(unary) or random inputs (binary, with a broadcast), and compared element by
element. Quantizations the peer refuses are skipped. The committed goldens
(tools/golden/transformer_elementwise.py) pin fixed cases; this looks for
counterexamples.

    .venv/bin/python tools/sweep_elementwise_ops6.py OP [SEED [CASES]]
    OP: rsqrt | hswish | gelu | gelut | sub | sqdiff; EDGEC=path/to/edgec (default .build/debug/edgec)
"""
import os, sys, subprocess, tempfile
import numpy as np
ROOT=os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, 'tools', 'golden'))
os.environ["TF_CPP_MIN_LOG_LEVEL"]="3"
from elementwise_common import Case, Operand, fb, int8_sweep
from ai_edge_litert.interpreter import Interpreter, OpResolverType
EDGEC=os.environ.get('EDGEC', os.path.join(ROOT, '.build', 'debug', 'edgec'))
TMP=tempfile.mkdtemp(prefix='edgec-sweep-')
rng=np.random.default_rng(int(sys.argv[2]) if len(sys.argv)>2 else 1)
def litert(c):
    it=Interpreter(model_content=c.model(), experimental_op_resolver_type=OpResolverType.BUILTIN_REF); it.allocate_tensors()
    for d,x in zip(it.get_input_details(), c.feeds): it.set_tensor(d['index'], x)
    it.invoke(); return it.get_tensor(it.get_output_details()[0]['index'])
def edgec(c, rounding):
    open(os.path.join(TMP, 'sw.tflite'),'wb').write(c.model())
    args=[EDGEC,'simulate',os.path.join(TMP, 'sw.tflite'),'--check','--output',os.path.join(TMP, 'sw_y.npy'),'--rounding',rounding]
    for i,x in enumerate(c.feeds):
        path=os.path.join(TMP, f'sw_x{i}.npy'); np.save(path, x[None]); args+=['--input', f'{i}={path}']
    r=subprocess.run(args,capture_output=True,text=True)
    if r.returncode: return None, r.stderr.strip()[-200:]
    return np.load(os.path.join(TMP, 'sw_y.npy'))[0], None
op=sys.argv[1]; n=int(sys.argv[3]) if len(sys.argv)>3 else 30
bad=0; errs=0; total=0
for t in range(n):
    q=lambda lo,hi: float(10**rng.uniform(lo,hi))
    z=lambda: int(rng.integers(-128,128))
    if op in ('rsqrt','hswish','gelu','gelut'):
        if op=='rsqrt': si,zi,so,zo=q(-4,0),-128,q(-3,0),z()
        else: si,zi,so,zo=q(-3,0),z(),q(-3,0),z()
        fbo=(0,None)
        if op.startswith('gelu'):
            o=fb.GeluOptionsT(); o.approximate=(op=='gelut'); fbo=(fb.BuiltinOptions.GeluOptions,o)
        code={'rsqrt':fb.BuiltinOperator.RSQRT,'hswish':fb.BuiltinOperator.HARD_SWISH,'gelu':fb.BuiltinOperator.GELU,'gelut':fb.BuiltinOperator.GELU}[op]
        c=Case('s','x',code,[Operand('int8',[256],si,zi)],Operand('int8',[256],so,zo),'.none',fbo)
        c.feeds=[int8_sweep([256])]
    else:
        sa,sb,so=q(-3,0),q(-3,0),q(-3,0.3)
        code=fb.BuiltinOperator.SUB if op=='sub' else fb.BuiltinOperator.SQUARED_DIFFERENCE
        fbo=(0,None)
        if op=='sub': o=fb.SubOptionsT(); o.fusedActivationFunction=int(rng.integers(0,4)); fbo=(fb.BuiltinOptions.SubOptions,o)
        c=Case('s','x',code,[Operand('int8',[4,64],sa,z()),Operand('int8',[64],sb,z())],Operand('int8',[4,64],so,z()),'.none',fbo)
        c.feeds=[rng.integers(-128,128,size=[4,64]).astype(np.int8), rng.integers(-128,128,size=[64]).astype(np.int8)]
    peer='litert' if op.startswith('gelu') else 'tflm'
    try:
        y = litert(c) if peer=='litert' else c.run_tflm()
    except Exception:
        continue  # the peer refuses this quantization
    got, err = edgec(c, 'litert' if peer=='litert' else 'tflm')
    if got is None: errs+=1; print('edgec error', err); continue
    total+=1; m=int((got.reshape(-1)!=y.reshape(-1)).sum()); bad+=m
    if m: print('MISMATCH', op, m, c.inputs[0].scale, c.inputs[0].zero_point, c.output.scale, c.output.zero_point)
print(op, 'cases', total, 'mismatching elements', bad, 'edgec errors', errs)
sys.exit(1 if bad or errs else 0)
