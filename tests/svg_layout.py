"""Collisions in a Graphviz SVG, found from the geometry the SVG itself gives.

Graphviz writes every text with its anchor point (``x``, ``y`` = baseline), its
``text-anchor`` and ``font-size``; node shapes as ellipses, polygons or paths;
edges as cubic Béziers with a polygon arrowhead; cluster titles as texts of
the cluster group. :func:`defects` lists, in words, every place where

* two texts overlap,
* a node's text does not fit inside its own shape (with a margin),
* a text covers another node's shape or an arrowhead,
* an edge crosses a cluster's title.

Text boxes are estimated with matplotlib's DejaVu Sans metrics, about 14% wider
than the Helvetica (Liberation Sans) that ``dot`` lays out with: an estimate on
the safe side, the same on every machine.
"""

import functools
import re
import xml.etree.ElementTree as ET
from collections import namedtuple

NS = "{http://www.w3.org/2000/svg}"
MARGIN = 1.5          # points between a node's text and its outline
CLEAR = 1.0           # points between a text and another node or an arrowhead
TOUCH = 0.5           # two texts overlap when their boxes share more than this (points)

Box = namedtuple("Box", "x0 y0 x1 y1")
Text = namedtuple("Text", "content box owner")
Shape = namedtuple("Shape", "kind geometry owner")  # ellipse (cx, cy, rx, ry) or box


@functools.lru_cache(maxsize=None)
def text_size(content, size, bold):
    """(width, height above the baseline, depth below it) of ``content`` in DejaVu Sans."""
    import warnings

    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    font = FontProperties(family="DejaVu Sans", size=size, weight="bold" if bold else "normal")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # a glyph DejaVu lacks is measured as a box
        width, height, depth = TextToPath().get_text_width_height_descent(content, font,
                                                                          ismath=False)
    return width, max(height - depth, 0.72 * size), max(depth, 0.0)


def text_box(element):
    x, y = float(element.get("x")), float(element.get("y"))
    size = float(element.get("font-size"))
    content = "".join(element.itertext())
    width, above, below = text_size(content, size, element.get("font-weight") == "bold")
    start = {"start": x, "middle": x - width / 2, "end": x - width}[element.get("text-anchor",
                                                                            "start")]
    return content, Box(start, y - above, start + width, y + below)


def same_line(previous, content, box):
    """A span that continues ``previous`` on its baseline (an HTML label's next font) as
    one text: our wider estimate of the first span must not run into the second."""
    a = previous.box
    merged = Box(a.x0, min(a.y0, box.y0), a.x1 + (box.x1 - box.x0), max(a.y1, box.y1))
    return Text(previous.content + content, merged, previous.owner)


def numbers(text):
    return [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", text)]


def points_of(element):
    """The (x, y) points of a polygon, or the points (ends and controls) of a path."""
    values = numbers(element.get("points") or element.get("d") or "")
    return list(zip(values[0::2], values[1::2]))


def bounding(points):
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return Box(min(xs), min(ys), max(xs), max(ys))


def bezier_points(path, steps=24):
    """Points along a Graphviz edge path ``M p0 C p1 p2 p3 C ...`` (cubic Béziers)."""
    pts = points_of(path)
    out = [pts[0]]
    for k in range(1, len(pts) - 2, 3):
        (ax, ay), (bx, by), (cx, cy), (dx, dy) = pts[k - 1:k + 3]
        for i in range(1, steps + 1):
            t = i / steps
            s = 1 - t
            out.append((s ** 3 * ax + 3 * s * s * t * bx + 3 * s * t * t * cx + t ** 3 * dx,
                        s ** 3 * ay + 3 * s * s * t * by + 3 * s * t * t * cy + t ** 3 * dy))
    return out


class Drawing:
    """The texts, node shapes, arrowheads, edge paths and cluster titles of one SVG."""

    def __init__(self, svg_text):
        root = ET.fromstring(svg_text)
        self.texts, self.shapes, self.arrows, self.paths, self.titles = [], [], [], [], []
        for group in root.iter(f"{NS}g"):
            kind = group.get("class")
            owner = (kind, "".join(group.find(f"{NS}title").itertext())
                     if group.find(f"{NS}title") is not None else "")
            baseline = None
            for child in group:
                tag = child.tag[len(NS):]
                if tag == "text":
                    content, box = text_box(child)
                    texts = self.titles if kind == "cluster" else self.texts
                    if child.get("y") == baseline and child.get("text-anchor") == "start":
                        texts[-1] = same_line(texts[-1], content, box)
                    else:
                        texts.append(Text(content, box, owner))
                    baseline = child.get("y") if child.get("text-anchor") == "start" else None
                elif kind == "node" and tag == "ellipse":
                    self.shapes.append(Shape("ellipse", tuple(float(child.get(a)) for a in
                                                              ("cx", "cy", "rx", "ry")), owner))
                elif kind == "node" and tag in ("polygon", "path"):
                    self.shapes.append(Shape("box", bounding(points_of(child)), owner))
                elif kind == "edge" and tag == "polygon":
                    self.arrows.append((bounding(points_of(child)), owner))
                elif kind == "edge" and tag == "path":
                    self.paths.append((bezier_points(child), owner))


def overlap(a, b, clear=0.0):
    """The boxes overlap, or come closer than ``clear``."""
    return (min(a.x1, b.x1) - max(a.x0, b.x0) > -clear
            and min(a.y1, b.y1) - max(a.y0, b.y0) > -clear)


def inside(box, shape, margin=MARGIN):
    """Every corner of ``box`` lies inside ``shape`` shrunk by ``margin``."""
    corners = [(box.x0, box.y0), (box.x1, box.y0), (box.x0, box.y1), (box.x1, box.y1)]
    if shape.kind == "ellipse":
        cx, cy, rx, ry = shape.geometry
        return all(((x - cx) / (rx - margin)) ** 2 + ((y - cy) / (ry - margin)) ** 2 <= 1
                   for x, y in corners)
    g = shape.geometry
    return all(g.x0 + margin <= x <= g.x1 - margin and g.y0 + margin <= y <= g.y1 - margin
               for x, y in corners)


def covers(box, shape):
    """``box`` comes closer to ``shape`` than :data:`CLEAR`."""
    if shape.kind == "box":
        return overlap(box, shape.geometry, CLEAR)
    cx, cy, rx, ry = shape.geometry
    nx = min(max(cx, box.x0), box.x1)          # the box's point nearest the centre
    ny = min(max(cy, box.y0), box.y1)
    return ((nx - cx) / (rx + CLEAR)) ** 2 + ((ny - cy) / (ry + CLEAR)) ** 2 < 1


def defects(svg_text):
    """Every collision in the drawing, one sentence each (an empty list: none)."""
    d = Drawing(svg_text)
    found = []
    for i, a in enumerate(d.texts):
        for b in d.texts[i + 1:]:
            if overlap(a.box, b.box, -TOUCH):
                found.append(f"text {a.content!r} ({a.owner[1]}) overlaps {b.content!r} "
                             f"({b.owner[1]})")
    own = {}
    for shape in d.shapes:
        own.setdefault(shape.owner, []).append(shape)
    for t in d.texts:
        for shape in own.get(t.owner, []):
            if not inside(t.box, shape):
                found.append(f"text {t.content!r} overflows its node {t.owner[1]}")
        for shape in d.shapes:
            if shape.owner != t.owner and covers(t.box, shape):
                found.append(f"text {t.content!r} ({t.owner[1]}) covers node {shape.owner[1]}")
        for arrow, owner in d.arrows:
            if overlap(t.box, arrow, CLEAR):
                found.append(f"text {t.content!r} ({t.owner[1]}) touches the arrowhead of "
                             f"{owner[1]}")
    for title in d.titles:
        for points, owner in d.paths:
            if any(title.box.x0 <= x <= title.box.x1 and title.box.y0 <= y <= title.box.y1
                   for x, y in points):
                found.append(f"edge {owner[1]} crosses the title {title.content!r}")
    return found
