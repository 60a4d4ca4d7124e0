"""bt.step_through: the frames of backprop_steps, one at a time, on both engines.

In a Jupyter kernel with ipywidgets it shows a slider and previous/next buttons
over the rendered frames (the lecture notebooks run it: tests/test_notebooks.py
checks the saved widget state); elsewhere it shows, and is, the static frames.
"""

import types

import pytest

import backprop_toolkit as bt
from backprop_toolkit.examples import add_mul
from backprop_toolkit.viz import stepper as stepper_module

ARGS = (-2.0, 5.0, -4.0)


def parts(widget):
    (buttons, caption, pages) = widget.children
    previous, slider, following = buttons.children
    return previous, slider, following, caption, pages


def test_the_frames_are_backprop_steps(engine):
    stepper = bt.step_through(add_mul, *ARGS, engine=engine, name="f")
    frames = bt.backprop_steps(add_mul, *ARGS, engine=engine, name="f")
    assert len(stepper) == len(frames) >= 3
    assert [f.source for f in stepper] == [f.source for f in frames]
    assert stepper[0].source == frames[0].source and "frames" in repr(stepper)


def test_buttons_and_slider_step_through_the_frames(engine):
    stepper = bt.step_through(add_mul, *ARGS, engine=engine)
    previous, slider, following, caption, pages = parts(stepper.widget())
    last = len(stepper) - 1
    assert (slider.min, slider.max, slider.value) == (0, last, 0)
    assert len(pages.children) == len(stepper)
    assert all(page.value.startswith("<svg") and "</svg>" in page.value for page in pages.children)
    assert caption.value.startswith("forward pass") and previous.disabled and not following.disabled
    following.click()
    assert (slider.value, pages.selected_index) == (1, 1)
    assert caption.value == f"backward step 1 of {last}" and not previous.disabled
    for _ in range(last + 2):           # past the end: stays on the last frame
        following.click()
    assert slider.value == last and following.disabled
    previous.click()
    assert slider.value == last - 1 and pages.selected_index == last - 1
    slider.value = 0
    assert previous.disabled and caption.value.startswith("forward pass")


def test_each_page_shows_its_own_frame():
    stepper = bt.step_through(add_mul, *ARGS)
    *_, pages = parts(stepper.widget())
    for k, page in enumerate(pages.children):
        assert f"step {k} of {len(stepper) - 1}" in page.value


def shown(stepper, monkeypatch):
    """What ``display`` received when IPython showed the stepper."""
    import IPython.display

    items = []
    monkeypatch.setattr(IPython.display, "display", lambda *objs: items.extend(objs))
    stepper._ipython_display_()
    return items


def test_outside_a_kernel_the_frames_are_shown_one_under_another(monkeypatch):
    stepper = bt.step_through(add_mul, *ARGS)
    assert not stepper_module.widgets_work()      # pytest is no Jupyter kernel
    items = shown(stepper, monkeypatch)
    assert items[0::2] == [stepper.caption(k) for k in range(len(stepper))]
    assert items[1::2] == list(stepper.frames)


@pytest.fixture
def in_kernel(monkeypatch):
    import IPython

    monkeypatch.setattr(IPython, "get_ipython", lambda: types.SimpleNamespace(kernel=object()))


def test_in_a_kernel_the_widget_is_shown(in_kernel, monkeypatch):
    import ipywidgets

    (widget,) = shown(bt.step_through(add_mul, *ARGS, engine="symbolic"), monkeypatch)
    assert isinstance(widget, ipywidgets.VBox)


def test_without_ipywidgets_the_frames_are_shown(in_kernel, monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "ipywidgets", None)   # import fails
    stepper = bt.step_through(add_mul, *ARGS)
    assert not stepper_module.widgets_work()
    assert len(shown(stepper, monkeypatch)) == 2 * len(stepper)


def test_large_functions_are_refused_like_drawings():
    def long(x):
        for _ in range(30):
            x = bt.sin(x) * x
        return x

    with pytest.raises(bt.viz.DrawingTooLargeError, match="max_nodes"):
        bt.step_through(long, 0.5, max_nodes=40)
