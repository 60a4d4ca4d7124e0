"""The optional peer libraries: imported if present, skipped with a note if not.

``available()`` gives ``{name: module}`` for the peers that import, and
``notes()`` one line per peer that does not (with the install command).
"""

import importlib

INSTALL = {
    "torch": "pip install torch==2.13.0",
    "autograd": "pip install autograd",
    "micrograd": "pip install micrograd",
    "jax": "pip install jax jaxlib",
}

_found, _missing = {}, {}


def load(names=tuple(INSTALL)):
    """Import the peers named; remember which are missing and why."""
    for name in names:
        if name in _found or name in _missing:
            continue
        try:
            if name == "jax":
                module = importlib.import_module("jax")
                module.config.update("jax_enable_x64", True)  # float64, as the others
            elif name == "micrograd":
                module = importlib.import_module("micrograd.engine")
            else:
                module = importlib.import_module(name)
        except Exception as err:  # ImportError, or a broken install
            _missing[name] = f"{type(err).__name__}: {err}".splitlines()[0]
        else:
            _found[name] = module
    return dict(_found)


def get(name):
    """The module of a loaded peer, or ``None``."""
    return _found.get(name)


def versions():
    """``{peer: version}`` for the peers found."""
    from importlib.metadata import PackageNotFoundError, version

    result = {}
    for name in _found:
        try:
            result[name] = version(name)
        except PackageNotFoundError:
            result[name] = "?"
    return result


def notes():
    """One line per missing peer: why, and the command that installs it."""
    return [f"{name} skipped ({why}); install with `{INSTALL[name]}`"
            for name, why in sorted(_missing.items())]


def torch_grads_of(loss):
    """``run(params, *data)``: PyTorch's gradients of ``loss(torch, params, *data)``.

    The workloads write only their loss in torch; turning numpy parameters into
    tensors that require gradients, and the gradients back into numpy, is here.
    """
    torch = get("torch")

    def run(params, *data):
        ps = [torch.tensor(p, requires_grad=True) for p in params]
        out = loss(torch, ps, *[torch.from_numpy(d) for d in data])
        return [g.numpy() for g in torch.autograd.grad(out, ps)]

    return run
