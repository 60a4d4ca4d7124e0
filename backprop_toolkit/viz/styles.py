"""Every colour, font and shape of the drawings, in one place.

Forward nodes are quiet (white, dark outline); derivative nodes (made by
``sym.grad``) are orange, as the added half of Figure 6.10; on circuits,
values are green and gradients red, as on the lecture slides.
"""

from .. import primitives as P

FONT = "Helvetica"
VALUE_COLOUR = "#1b7f3b"      # forward values on circuit wires
GRAD_COLOUR = "#c0262d"       # gradients on circuit wires
DERIVATIVE_FILL = "#fde2c4"   # nodes added by differentiation
DERIVATIVE_LINE = "#d9730d"
FORWARD_FILL = "#ffffff"
FORWARD_LINE = "#333333"
VAR_FILL = "#dbe9f6"
HIGHLIGHT = "#ffd84d"          # the node a step-by-step frame is working on
MUTED = "#9a9a9a"

GRAPH = {"fontname": FONT, "fontsize": "12", "nodesep": "0.35", "ranksep": "0.45",
         "bgcolor": "white"}
NODE = {"fontname": FONT, "fontsize": "12"}
EDGE = {"fontname": FONT, "fontsize": "10", "arrowsize": "0.7", "color": FORWARD_LINE}

# symbolic graphs (Figure 6.10 style)
FORWARD_NODE = {"shape": "circle", "style": "filled", "fillcolor": FORWARD_FILL,
                "color": FORWARD_LINE, "width": "0.55", "fixedsize": "false", "margin": "0.04"}
VAR_NODE = dict(FORWARD_NODE, fillcolor=VAR_FILL)
DERIVATIVE_NODE = dict(FORWARD_NODE, fillcolor=DERIVATIVE_FILL, color=DERIVATIVE_LINE)
CONST_NODE = {"shape": "box", "style": "rounded,filled", "fillcolor": "#f2f2f2",
              "color": MUTED, "fontsize": "10", "height": "0.3", "width": "0.3"}
DERIVATIVE_EDGE = {"color": DERIVATIVE_LINE}
# a derivative asked for by name (df/dx) that is another node (z): a terminal pointing at it
RESULT = {"shape": "box", "style": "rounded,filled", "fillcolor": DERIVATIVE_FILL,
          "color": DERIVATIVE_LINE, "fontsize": "11", "height": "0.3"}
RESULT_EDGE = {"color": DERIVATIVE_LINE, "style": "dashed", "arrowhead": "none"}
CLUSTER = {"style": "rounded,dashed", "color": MUTED, "fontcolor": "#555555", "fontsize": "11"}

# the position of an operand, on the wire into an op whose argument order matters: set
# off the wire's end, so that it clears the arrowhead
OPERAND = {"labelfontsize": "9", "labelfontcolor": MUTED, "labeldistance": "1.6",
           "labelangle": "40"}

# tape circuits (lecture-slide style); a gate grows past its width for a long symbol (max)
GATE = {"shape": "circle", "style": "filled", "fillcolor": "#ffffff", "color": FORWARD_LINE,
        "width": "0.42", "height": "0.42", "fixedsize": "false", "margin": "0.02",
        "fontsize": "13"}
TERMINAL = {"shape": "plaintext", "fontsize": "14"}
CONSTANT_TERMINAL = {"shape": "plaintext", "fontsize": "11", "fontcolor": "#555555"}
KEY_SIZE, KEY_COLOUR = "10", "#444444"   # the key under a drawing's title

# ops whose argument order does not matter: their edges carry no position labels.
# Both tables key on the primitive itself: a user primitive named "mul" is drawn with
# its name, and its edges are numbered.
COMMUTATIVE = frozenset({P.add_p, P.mul_p, P.maximum_p, P.minimum_p, P.hypot_p, P.logaddexp_p,
                         P.logaddexp2_p})

# how an op shows as a gate on a circuit (and under a node's name in symbolic drawings)
GATE_SYMBOL = {P.add_p: "+", P.sub_p: "−", P.mul_p: "×", P.div_p: "÷", P.neg_p: "−x", P.power_p: "xⁿ",
               P.square_p: "x²", P.maximum_p: "max", P.matmul_p: "@", P.sigmoid_p: "σ", P.exp_p: "exp",
               P.log_p: "log", P.sin_p: "sin", P.cos_p: "cos", P.tanh_p: "tanh", P.sqrt_p: "√",
               P.sum_p: "Σ", P.relu_p: "relu", P.abs_p: "|x|", P.transpose_p: "ᵀ", P.reshape_p: "⤶",
               P.getitem_p: "[ ]", P.broadcast_to_p: "⇉", P.sum_to_p: "Σ→", P.max_p: "max",
               P.prod_p: "Π", P.cumsum_p: "cumΣ", P.astype_p: "cast",
               P.where_p: "?:", P.softmax_p: "softmax", P.log_softmax_p: "logsm",
               P.logsumexp_p: "lse", P.minimum_p: "min", P.tan_p: "tan", P.floor_p: "⌊x⌋",
               P.ceil_p: "⌈x⌉", P.remainder_p: "mod",
               P.einsum_p: "Σ×", P.det_p: "det", P.inv_p: "A⁻¹",
               P.solve_p: "A\\b", P.logabsdet_p: "log|det|",
               P.less_p: "<", P.less_equal_p: "≤", P.greater_p: ">", P.greater_equal_p: "≥",
               P.equal_p: "=", P.not_equal_p: "≠", P.concatenate_p: "concat",
               P.stop_gradient_p: "stop", P.scatter_add_p: "scatter", P.sort_by_p: "sort",
               P.det_sign_p: "sgn det", P.logaddexp_p: "lae", P.logaddexp2_p: "lae₂",
               P.pinv_p: "A⁺", P.eigh_p: "eigh", P.svd_p: "svd", P.cholesky_p: "chol"}


# the symbols a student may not have met, named in the legend of a drawing that shows them
SYMBOL_WORDS = {P.broadcast_to_p: "broadcast (copy along new axes)",
                P.reshape_p: "reshape", P.transpose_p: "transpose",
                P.where_p: "where (choose by a condition)", P.power_p: "power",
                P.sum_to_p: "sum down to a shape", P.sum_p: "sum", P.matmul_p: "matrix product",
                P.getitem_p: "index", P.logsumexp_p: "log-sum-exp",
                P.log_softmax_p: "log-softmax", P.neg_p: "negate",
                P.einsum_p: "einsum (a contraction)", P.solve_p: "solve (A⁻¹ b)",
                P.logaddexp_p: "log(eᵃ + eᵇ)", P.logaddexp2_p: "log₂(2ᵃ + 2ᵇ)",
                P.prod_p: "product", P.cumsum_p: "running sum"}


def gate_symbol(prim):
    """The symbol of a table primitive (``×``), or a user primitive's name."""
    return GATE_SYMBOL.get(prim, prim.name)
