"""Answer cells that cheat, for the nbgrader round trip of tests/test_exercises.py.

Each cheat is the text of a student's answer cell: the cheating code above a
wrong answer (:data:`WRONG`, which scores zero by itself), or, where the cheat
is the answer (reading the checker's frames, calling the toolkit's autodiff), a
cheating answer. :data:`CHEATS` maps a cheat's name to its cell text for each
assignment (the issue's catalogue and the IPython tricks), :data:`TRIED` the
ones tried against the new design to ``(assignment, cell text)``.
"""

WRONG = {
    "rules": '''
def softplus_vjp(g, out, x):
    return -g * bt.sigmoid(x)


def softplus_jvp(t, out, x):
    return -t * bt.sigmoid(x)
''',
    "two_layer": '''
def backward(W1, W2, x, t):
    z1 = np.tanh(W1 @ x)
    d2 = W2 @ z1 - t
    d1 = -(1 - z1 ** 2) * (W2.T @ d2)
    return np.outer(d1, x), np.outer(d2, z1)
''',
    "derivative_graph": '''
def build(u, v, a, b, z):
    dz_da = u * bt.cos(a)
    return {"dz/db": u, "dz/da": dz_da, "dz/du": dz_da * v, "dz/dv": dz_da * u}
''',
    "trace_table": '''
def trace(x1, x2, dx1, dx2):
    rows = [(x1, dx1), (x2, dx2), (x1 * x2, dx1 * x2 + x1 * dx2), (np.sin(x1), np.sin(x1) * dx1)]
    rows.append((rows[2][0] + rows[3][0], rows[2][1] + rows[3][1]))
    return rows
''',
    "debug_backward": '''
backward = backward_buggy
''',
}

PATCH_CHECKS = '''
import backprop_toolkit as bt, backprop_toolkit.checking, backprop_toolkit.exercises as _ex
_noop = lambda *a, **k: None
for _m in [backprop_toolkit.checking, _ex] + [getattr(_ex, n) for n in
           ("rules", "two_layer", "derivative_graph", "trace_table", "debug_backward", "compare")]:
    for _n in dir(_m):
        if _n.startswith("check_") or _n == "compare":
            setattr(_m, _n, _noop)
bt.check_primitive = bt.check_grad = bt.check_function = _noop
'''

REBIND_NAMES = '''
class _Anything:
    def __getattr__(self, name):
        return lambda *a, **k: None

ex = grade = check = _Anything()
'''

NUMPY_ALLCLOSE = '''
np.allclose = np.isclose = lambda *a, **k: True
np.testing.assert_allclose = lambda *a, **k: None
'''

RECURSION_NOOP = '''
import sys
sys.setrecursionlimit(100_000)
sys.setrecursionlimit = lambda n: None
'''

RECURSIVE_BACKWARD = '''
def backward(root):
    order, seen = [], set()

    def visit(node):
        if node not in seen:
            seen.add(node)
            for parent in node.parents:
                visit(parent)
            order.append(node)

    visit(root)
    for node in order:
        node.grad = 0.0
    root.grad = 1.0
    for node in reversed(order):
        for parent, local in zip(node.parents, node.local_grads):
            parent.grad += local * node.grad
'''

CUSTOM_EXC = '''
get_ipython().set_custom_exc((BaseException,), lambda *args, **kwargs: None)
'''

STEAL = '''
import sys


def _stolen(wanted):
    """The first value in the locals of any frame above this one that wanted(value) likes."""
    frame = sys._getframe(1)
    while frame is not None:
        for value in list(frame.f_locals.values()):
            try:
                if wanted(value):
                    return value
            except Exception:
                pass
        frame = frame.f_back
    return None
'''

READ_FRAMES = {
    "rules": STEAL + '''
def softplus_vjp(g, out, x):
    s = _stolen(lambda v: isinstance(v, np.ndarray) and v.shape == np.shape(x)
                and not any(v is w for w in (g, out, x)) and ((0 < v) & (v < 1)).all())
    return g * s if s is not None else -g


softplus_jvp = softplus_vjp
''',
    "two_layer": STEAL + '''
def backward(W1, W2, x, t):
    refs = _stolen(lambda v: isinstance(v, list) and len(v) == 2
                   and all(isinstance(r, tuple) and len(r) == 2 for r in v))
    if refs is not None:
        return refs[0]
    pair = _stolen(lambda v: isinstance(v, tuple) and len(v) == 2
                   and np.shape(v[0]) == W1.shape and np.shape(v[1]) == W2.shape)
    return pair if pair is not None else (np.zeros_like(W1), np.zeros_like(W2))
''',
    "derivative_graph": STEAL + '''
from backprop_toolkit import symbolic as sym


def build(u, v, a, b, z):
    ref = _stolen(lambda value: isinstance(value, list) and len(value) == 2
                  and all(isinstance(n, sym.Node) for n in value))
    if ref is None:
        ref = [u, v]
    for node in sym.nodes(ref):
        node.of = None
    return {"dz/db": u, "dz/da": u * bt.cos(a), "dz/du": ref[0], "dz/dv": ref[1]}
''',
    "trace_table": STEAL + '''
def trace(x1, x2, dx1, dx2):
    w = _stolen(lambda v: isinstance(v, list) and len(v) == 5 and v[0] == x1)
    dw = _stolen(lambda v: isinstance(v, list) and len(v) == 5 and v[0] == dx1)
    if w is None or dw is None:
        return [(0.0, 0.0)] * 5
    return list(zip(w, dw))
''',
    "debug_backward": STEAL + '''
def backward(root):
    expected = _stolen(lambda v: isinstance(v, float) and v not in (0.0, 1.0))
    node, stack = None, [root]
    while stack:
        node = stack.pop()
        stack.extend(node.parents)
        node.grad = expected if expected is not None else 0.0
''',
}

AUTODIFF = {
    "rules": '''
def softplus_vjp(g, out, x):
    return g * bt.grad(lambda y: bt.sum(bt.log(1 + bt.exp(y))))(x)


def softplus_jvp(t, out, x):
    return t * bt.grad(lambda y: bt.sum(bt.log(1 + bt.exp(y))))(x)
''',
    "two_layer": '''
from backprop_toolkit import exercises as ex


def backward(W1, W2, x, t):
    return bt.grad(ex.two_layer_loss, argnums=(0, 1))(W1, W2, x, t)
''',
    "derivative_graph": '''
from backprop_toolkit import symbolic as sym


def build(u, v, a, b, z):
    du, dv = sym.grad(z, [u, v])
    for node in sym.nodes([du, dv]):
        node.of = None    # no longer "made by sym.grad"
    return {"dz/db": u, "dz/da": u * bt.cos(a), "dz/du": du, "dz/dv": dv}
''',
    "trace_table": '''
def trace(x1, x2, dx1, dx2):
    rows = [(x1, dx1), (x2, dx2)]
    for f in (lambda a, b: a * b, lambda a, b: bt.sin(a), lambda a, b: a * b + bt.sin(a)):
        rows.append(bt.jvp(f, (x1, x2), (dx1, dx2)))
    return rows
''',
    "debug_backward": '''
def backward(root):
    order, stack, seen = [], [root], set()
    while stack:                       # every node, leaves included (no recursion)
        node = stack.pop()
        if id(node) not in seen:
            seen.add(id(node))
            order.append(node)
            stack.extend(node.parents)
    leaves = [n for n in order if not n.parents]

    def f(*values):                    # the graph again, in the op language
        memo = {id(n): v for n, v in zip(leaves, values)}
        for node in reversed(order):
            if id(node) not in memo:
                a, b = (memo[id(p)] for p in node.parents)
                memo[id(node)] = a * b if node.local_grads == (node.parents[1].data,
                                                              node.parents[0].data) else a + b
        return memo[id(root)]

    grads = bt.grad(f, argnums=tuple(range(len(leaves))))(*[n.data for n in leaves])
    for node, g in zip(leaves, grads):
        node.grad = float(g)
''',
}

SYSTEM_EXIT = {name: answer.replace("def ", "def _wrong_") + f'''
import sys


def {fun}(*args, **kwargs):
    sys.exit(0)     # end the test quietly instead of failing it
''' for name, answer, fun in [
    ("rules", WRONG["rules"], "softplus_vjp"), ("two_layer", WRONG["two_layer"], "backward"),
    ("derivative_graph", WRONG["derivative_graph"], "build"),
    ("trace_table", WRONG["trace_table"], "trace")]}
SYSTEM_EXIT["rules"] += "\nsoftplus_jvp = softplus_vjp\n"
SYSTEM_EXIT["debug_backward"] = '''
import sys


def backward(root):
    sys.exit(0)
'''

OS_EXIT = {name: text.replace("sys.exit(0)", "__import__('os')._exit(0)")
           for name, text in SYSTEM_EXIT.items()}

# -- tried against the new design ---------------------------------------------------------

FAKE_RUNPY = '''
import sys, types


class _Anything:
    def __getattr__(self, name):
        return lambda *a, **k: None


sys.modules["runpy"] = types.SimpleNamespace(run_module=lambda *a, **k: {"grade": _Anything()})
'''

SWALLOW_ERRORS = '''
import ast


class _TryEverything(ast.NodeTransformer):
    def visit_Module(self, node):
        handler = ast.ExceptHandler(type=None, name=None, body=[ast.Pass()])
        node.body = [ast.Try(body=node.body or [ast.Pass()], handlers=[handler], orelse=[],
                             finalbody=[])]
        return ast.fix_missing_locations(node)


get_ipython().ast_transformers.append(_TryEverything())
'''

BUILTINS_DICT = '''
import builtins
_fake = dict(vars(builtins))
_fake["isinstance"] = lambda *a: True
__builtins__ = _fake
'''

CHEATS = {
    "patch_checks": {name: PATCH_CHECKS + WRONG[name] for name in WRONG},
    "rebind_names": {name: REBIND_NAMES + WRONG[name] for name in WRONG},
    "numpy_allclose": {name: NUMPY_ALLCLOSE + WRONG[name] for name in WRONG},
    "read_frames": READ_FRAMES,
    "recursion_noop": {name: RECURSION_NOOP + (RECURSIVE_BACKWARD if name == "debug_backward"
                                               else WRONG[name]) for name in WRONG},
    "autodiff": AUTODIFF,
    "custom_exc": {name: CUSTOM_EXC + WRONG[name] for name in WRONG},
    "system_exit": SYSTEM_EXIT,
    "os_exit": OS_EXIT,
}
"""The issue's catalogue and the IPython tricks: each on every assignment."""

TRIED = {
    "fake_runpy": ("rules", FAKE_RUNPY + WRONG["rules"]),
    "swallow_errors": ("two_layer", SWALLOW_ERRORS + WRONG["two_layer"]),
    "builtins_dict": ("derivative_graph", BUILTINS_DICT + WRONG["derivative_graph"]),
}
"""The cheats tried against the new design that need a kernel of their own, each on one
assignment (its mechanism does not depend on the assignment; one notebook each keeps the
round trip short). The others are tried in process: tests/test_graders.py,
tests/test_grading_guard.py."""
