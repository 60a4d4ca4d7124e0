"""The tape's fast paths give what the general paths give.

* ``tape.reverse.cotangents`` (the transforms' reverse sweep: serial keys, the
  record's own order) against ``passes.reverse_pass(..., keep=False)``, the sweep
  both engines share, on arrays and on tensors (``create_graph``);
* ``Tensor.apply`` (one pass, the numpy forward called directly) against the
  numbers the table gives, and the user's line every recorded tensor keeps.
"""

import inspect

import numpy as np
import pytest

import backprop_toolkit as bt
from backprop_toolkit import passes, tape
from backprop_toolkit import symbolic as sym
from backprop_toolkit.tape.reverse import cotangents, region


def general(outputs, seeds, wrt, view):
    return passes.reverse_pass(outputs, seeds, wrt, view, keep=False)[0]


def leaves(*values):
    return [tape.Tensor(v, requires_grad=True) for v in values]


def shared(a, b):
    """``a`` has four users (three contributions or more: a summation order); broadcasting."""
    c = a * b + bt.sin(a) * a
    return [bt.sum(c * a + bt.exp(a) / 3.0) + bt.mean(b)]


def mixed(a, b):
    """A variadic entry (concatenate), slices, matmul, a reduction, a comparison, where,
    stop_gradient and constants."""
    m = bt.reshape(bt.concatenate([a, b, a * 2.0]), (3, 3))
    picked = bt.where(m > 0.1, m, bt.stop_gradient(m) * 0.5)
    return [bt.sum(picked @ m[:, :2]) + bt.max(m[1:]) * np.float64(2.0)]


def several(a, b):
    """Several outputs, one of them twice, one not depending on ``b``."""
    y = bt.tanh(a) * b
    return [y, y, bt.square(a)]


CASES = [(shared, ((3,), (3,))), (mixed, ((3,), (3,))), (several, ((4,), (4,)))]


def recorded(fun, shapes, rng):
    xs = leaves(*[rng.normal(size=s) for s in shapes])
    ys = fun(*xs)
    seeds = [rng.normal(size=np.shape(y.value)) for y in ys]
    return xs, ys, seeds


@pytest.mark.parametrize("fun, shapes", CASES)
def test_first_order_sweep_agrees_with_the_general_one(fun, shapes, rng):
    xs, ys, seeds = recorded(fun, shapes, rng)
    fast = cotangents(ys, seeds, xs, tape.value_of)
    slow = general(ys, seeds, xs, tape.value_of)
    for f, s in zip(fast, slow):
        np.testing.assert_allclose(f, s, rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("fun, shapes", CASES)
def test_recorded_sweep_agrees_with_the_general_one_to_second_order(fun, shapes, rng):
    """With ``create_graph`` the rules run on tensors; the results, and their own
    derivatives (a sweep over what the sweep recorded), agree."""
    xs, ys, seeds = recorded(fun, shapes, rng)
    seeds = [tape.Tensor(s) for s in seeds]
    fast = cotangents(ys, seeds, xs, None)
    slow = general(ys, seeds, xs, None)
    for f, s in zip(fast, slow):
        np.testing.assert_allclose(f.value, s.value, rtol=1e-13, atol=1e-15)
        if f.requires_grad:
            again = [np.ones(np.shape(f.value))]
            for f2, s2 in zip(cotangents([f], again, xs, tape.value_of),
                              general([s], again, xs, tape.value_of)):
                if s2 is None:
                    assert f2 is None
                else:
                    np.testing.assert_allclose(f2, s2, rtol=1e-12, atol=1e-14)


def one_input_ops(a, b):
    """One-input records kept alone (a chain, a variadic entry of one input, a reduction with
    params) beside ``fresh``'s one-tuple and two-input ops reading a one-input record."""
    c = bt.concatenate([bt.exp(bt.sin(a))])  # variadic, one input: its joint rule
    inner = bt.grad(lambda u: bt.sum(bt.cos(u) * c))(b)  # a fresh(b), nested: a one-tuple
    return [bt.sum(bt.tanh(c) * inner, axis=0) + bt.mean(bt.square(a + b))]


CASES.append((one_input_ops, ((3,), (3,))))


def test_a_one_input_op_keeps_its_input_alone():
    """One object per recorded op for the cycle collector to walk (not a tensor and its
    1-tuple); ``inputs`` is still the tuple, for every reader of the record."""
    import gc

    a, = leaves(np.array(0.7))
    gc.collect()
    gc.disable()
    try:
        before = len(gc.get_objects(generation=0))
        y = a
        for _ in range(500):
            y = bt.sin(y)
        made = len(gc.get_objects(generation=0)) - before
    finally:
        gc.enable()
    assert made < 550, made  # 1,000 and more with a tuple per op
    assert y.inputs[0].inputs[0].prim is bt.sin and type(y.inputs) is tuple
    assert y.inputs == (y.inputs[0],) and a.inputs == ()
    np.testing.assert_allclose(tape.grad([y], [a], [np.ones(())])[0],
                               general([y], [np.ones(())], [a], tape.value_of)[0], rtol=1e-14)


def test_the_region_is_in_topological_order_and_left_at_the_oldest_source():
    a, = leaves(np.ones(2))
    older = bt.sin(a)  # made before b: outside a region that starts at b
    b, = leaves(np.ones(2))
    y = bt.sum(older * b + b * b)
    order = region([y], b.serial)
    assert all(n is not older and n is not a for n in order) and order[-1] is y
    assert all(i.serial < n.serial for n in order for i in n.inputs)
    position = {id(n): k for k, n in enumerate(order)}
    assert all(position[id(i)] < position[id(n)] for n in order for i in n.inputs
               if id(i) in position)


def test_intermediate_unreached_and_repeated_sources():
    a, b, unused = leaves(np.array([0.3, 0.5]), np.array([1.5, -2.0]), np.ones(2))
    h = a * b
    y = bt.sum(bt.sin(h) * h)
    wrt = [a, h, unused, a]
    fast = cotangents([y], [np.ones(())], wrt, tape.value_of)
    slow = general([y], [np.ones(())], wrt, tape.value_of)
    assert fast[2] is None and slow[2] is None
    for k in (0, 1, 3):
        np.testing.assert_allclose(fast[k], slow[k], rtol=1e-14)


def test_a_source_no_longer_requiring_gradients_still_gets_its_cotangent():
    a, b = leaves(np.array([0.3, 0.5]), np.array([1.5, -2.0]))
    y = bt.sum(a * b)
    b.requires_grad = False  # after recording: the record still goes through b
    fast = cotangents([y], [np.ones(())], [a, b], tape.value_of)
    slow = general([y], [np.ones(())], [a, b], tape.value_of)
    for f, s in zip(fast, slow):
        np.testing.assert_allclose(f, s)


def test_by_hand_refuses_the_fast_sweep():
    a, = leaves(np.ones(2))
    y = bt.sum(a * a)
    with bt.by_hand("a test"), pytest.raises(bt.AutodiffDisabledError):
        cotangents([y], [np.ones(())], [a], tape.value_of)


def closure_hessian(engine):
    """grad of grad where the inner function closes over the outer variable."""
    def outer(x):
        inner = bt.grad(lambda y: bt.sum(bt.sin(x * y) * y), engine=engine)
        return bt.sum(inner(x * 1.5) * x)
    return bt.hessian(outer, engine=engine)


def test_nested_transforms_agree_across_engines():
    x = np.array([0.4, -0.7, 1.1])
    np.testing.assert_allclose(closure_hessian("tape")(x), closure_hessian("symbolic")(x),
                               rtol=1e-12, atol=1e-12)


# -- the line each recorded tensor keeps ---------------------------------------------------

def line_of(offset=0):
    frame = inspect.currentframe().f_back
    return frame.f_code.co_filename, frame.f_lineno + offset


def test_every_way_of_calling_an_op_records_the_users_line():
    x = tape.Tensor(np.array([0.5, 2.0]), requires_grad=True)
    made = [(bt.sin(x), line_of()), (x * 2.0, line_of()), (bt.mean(x), line_of()),
            (np.sum(x), line_of()), (bt.tanh(x) @ x, line_of())]
    for tensor, where in made:
        assert tensor.where == where


def test_a_failing_forward_names_the_users_line():
    a, b = leaves(np.ones(3), np.ones(4))
    with pytest.raises(bt.ShapeError) as info:
        bt.mean(a * b)  # this line
    assert f"{__file__}:{line_of(-1)[1]}: bt.mean(a * b)  # this line" in str(info.value)


def test_apply_gives_the_tables_numbers():
    """The tape's forward is the table's ``impl`` (with the operands' values); a result
    that is a view of an operand is the tape's own read-only copy."""
    v = np.array([[1.0, -2.0], [0.5, 3.0]])
    x = tape.Tensor(v, requires_grad=True)
    for op, args, params in [(bt.sin, (x,), {}), (bt.add, (x, v), {}),
                             (bt.matmul, (v, x), {})]:
        got = op(*args, **params)
        plain = op(*[a.value if isinstance(a, tape.Tensor) else a for a in args], **params)
        np.testing.assert_array_equal(got.value, plain)
        assert not got.value.flags.writeable
    view = bt.reshape(tape.Tensor(v), (4,))  # a constant's reshape: numpy gives a view
    assert not view.value.flags.writeable


def test_ops_in_a_loop_over_several_lines_record_each_line():
    """``user_frame`` answers a call at the instruction of the last one from memory; lines
    that alternate, and wrappers (``bt.mean``) called from alternating lines, keep theirs."""
    x = tape.Tensor(np.array([0.5, 2.0]), requires_grad=True)
    made = []
    for k in range(4):
        made.append((bt.sin(x), line_of()))
        made.append((bt.cos(x) if k % 2 else bt.exp(x), line_of()))
        made.append((bt.mean(x), line_of()))  # the same wrapper, one line after the other
        made.append((bt.mean(x), line_of()))
        made.append((x * 2.0, line_of()))  # the same operator method, likewise
        made.append((x * 2.0, line_of()))
    for tensor, where in made:
        assert tensor.where == where


def test_the_same_op_from_two_functions_records_each_callers_line():
    x = tape.Tensor(np.array([0.5, 2.0]), requires_grad=True)

    def one(v):
        return bt.sin(v), line_of()

    def two(v):
        return bt.sin(v), line_of()

    for tensor, where in [one(x), two(x), one(x), two(x)]:
        assert tensor.where == where


def test_an_op_called_from_c_with_no_python_frame_above():
    """A thread that starts in C (``list.extend`` over ``map``) calls the op with no
    Python frame above ``Primitive.__call__`` (``Tensor.apply`` starts its search three
    frames up): the tensor is made, with no user line to keep."""
    import _thread
    import time

    x = tape.Tensor(np.array([0.5, 2.0]), requires_grad=True)
    out = []
    _thread.start_new_thread(list.extend, (out, map(bt.sin, [x])))
    deadline = time.monotonic() + 10
    while not out and time.monotonic() < deadline:
        time.sleep(0.01)
    assert out and out[0].where is None
    np.testing.assert_allclose(out[0].value, np.sin([0.5, 2.0]))


@pytest.mark.parametrize("engine", ["tape", "symbolic"])
def test_a_one_input_rule_giving_a_python_number_is_checked_by_shape(engine):
    """The sweep's one-input step reads ``.shape``; a rule's Python number has none: fine for
    a scalar input, on both engines (the symbolic engine once failed with an AttributeError
    deep in simplify), a ``RuleError`` naming the op for a vector, in either mode.

    ``constant``'s rules give the number 2.0 whatever the cotangent or tangent: right only
    where that is 1 (the seed of ``grad``, the basis tangents of ``jvp`` and a forward
    Jacobian), which is where its results are checked, against the closed forms of
    d/dx 2x and d/dx sin(2x)."""
    as_number = bt.primitive("as_number", lambda x: 2.0 * x, lambda g, out, x: 2.0 * g + 0.0,
                             jvp=lambda t, out, x: 2.0 * t)
    constant = bt.primitive("constant", lambda x: 2.0 * x, lambda g, out, x: 2.0,
                            jvp=lambda t, out, x: 2.0)
    for op in (as_number, constant):
        assert bt.grad(lambda x: op(x) * 1.0, engine=engine)(0.3) == 2.0
        assert bt.grad(op, engine=engine)(np.float32(0.3)).dtype == np.float32
        assert bt.jvp(op, (0.3,), (1.0,), engine=engine)[1] == 2.0
        assert bt.hessian(op, engine=engine)(0.3) == 0.0  # d2/dx2 2x
    assert bt.jacobian(lambda x: bt.sin(constant(x)), engine=engine, mode="forward")(0.3) \
        == pytest.approx(2 * np.cos(0.6))
    with pytest.raises(bt.RuleError, match="'constant'"):
        bt.grad(lambda x: bt.sum(as_number(x)) + bt.sum(constant(x)), engine=engine)(np.ones(3))
    with pytest.raises(bt.RuleError, match="constant.*returned shape \\(\\), expected \\(3,\\)"):
        bt.jvp(constant, (np.ones(3),), (np.ones(3),), engine=engine)


def test_sym_grad_and_jvp_give_nodes_where_a_rule_gives_a_number():
    """``sym.grad`` and ``sym.jvp`` promise nodes: a rule's constant becomes a constant node
    of the variable's dtype."""
    constant = bt.primitive("constant", lambda x: 2.0 * x, lambda g, out, x: 2.0,
                            jvp=lambda t, out, x: 2.0)
    x = sym.var("x", (), np.float32)
    (d,) = sym.grad(constant(x), [x])
    t = sym.jvp(constant(x), x, [sym.var("t", (), np.float32)])
    for node in (d, t):
        assert isinstance(node, sym.Node) and node.dtype == np.float32
        assert sym.evaluate(node, {"x": np.float32(0.3), "t": np.float32(1)}) == 2.0
