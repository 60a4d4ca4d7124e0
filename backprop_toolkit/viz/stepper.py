"""A backprop stepper for Jupyter: the forward pass, then each backward step.

``bt.step_through(f, -2.0, 5.0, -4.0)`` shows the frames of
:func:`~.render.backprop_steps` one at a time, with a slider and previous/next
buttons (ipywidgets), on either engine: on the tape, frame 0 has the forward
values and each later frame lights the gate whose rule ran and adds the
gradients it wrote; on the symbolic engine each frame adds the derivative
nodes that step built. The frames are rendered once, when shown; the slider
is linked to them in the browser too, so a saved notebook (its widget state)
still steps through them without a kernel.

Outside a Jupyter kernel, or without ipywidgets, the same frames are shown one
under another; in a script the stepper is the list of frames (save them with
``bt.save_figure``).
"""

from .render import MAX_NODES, backprop_steps, render


class Stepper:
    """The frames of one backward pass (``graphviz.Digraph`` each), shown one at a time."""

    def __init__(self, frames):
        self.frames = frames

    def __len__(self):
        return len(self.frames)

    def __getitem__(self, k):
        return self.frames[k]

    def __iter__(self):
        return iter(self.frames)

    def caption(self, k):
        """``forward pass`` for frame 0, ``backward step k of n`` after."""
        last = len(self.frames) - 1
        return "forward pass: the values" if k == 0 else f"backward step {k} of {last}"

    def widget(self):
        """The stepper as an ipywidgets box: buttons and slider over the frame shown."""
        import ipywidgets as widgets

        pages = widgets.Stack([widgets.HTML(svg_text(frame)) for frame in self.frames],
                              selected_index=0)
        slider = widgets.IntSlider(value=0, min=0, max=len(self.frames) - 1, description="step")
        previous = widgets.Button(description="◀ previous", disabled=True)
        following = widgets.Button(description="next ▶", disabled=len(self.frames) < 2)
        caption = widgets.Label(self.caption(0))
        widgets.jslink((slider, "value"), (pages, "selected_index"))  # works without a kernel

        def show(change):
            k = change["new"]
            pages.selected_index, caption.value = k, self.caption(k)
            previous.disabled, following.disabled = k == 0, k == slider.max

        slider.observe(show, names="value")
        previous.on_click(lambda _: setattr(slider, "value", max(slider.value - 1, 0)))
        following.on_click(lambda _: setattr(slider, "value", min(slider.value + 1, slider.max)))
        return widgets.VBox([widgets.HBox([previous, slider, following]), caption, pages])

    def _ipython_display_(self):
        from IPython.display import display

        if widgets_work():
            display(self.widget())
            return
        for k, frame in enumerate(self.frames):
            display(self.caption(k))
            display(frame)

    def __repr__(self):
        return (f"<Stepper: {len(self.frames)} frames, the forward pass and each backward "
                "step; in Jupyter a slider shows them, elsewhere iterate over them>")


def svg_text(frame):
    """A frame's SVG, from the ``<svg`` element on (no XML prolog inside a page)."""
    svg = render(frame.source, "svg").decode("utf-8")
    return svg[svg.index("<svg"):]


def widgets_work():
    """Whether a widget can show: ipywidgets installed and a Jupyter kernel running."""
    try:
        import ipywidgets  # noqa: F401
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def step_through(fun, *args, engine="tape", name=None, max_nodes=MAX_NODES):
    """Step through backprop of ``fun`` at ``args``: the forward pass, then each
    backward step, with a slider in Jupyter (static frames elsewhere).

    Args:
        engine: ``"tape"`` (values and gradients on a circuit) or ``"symbolic"``
            (the derivative graph as it grows).
        name: the output's label (the function's name by default).
        max_nodes: refuse larger drawings (see :func:`~.render.draw`).

    Returns:
        A :class:`Stepper`: shows itself in Jupyter, and is the list of frames.
    """
    return Stepper(backprop_steps(fun, *args, engine=engine, name=name, max_nodes=max_nodes))
