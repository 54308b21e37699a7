"""A checkpoint's structure as a flat list of nodes (see serialization.py for the format), so
that neither the walk nor the JSON that holds it recurses: nesting of any depth saves and
loads without a RecursionError.

Node 0 is the root; a container lists its children by index, and every child comes after its
parent (the nodes are numbered in pre-order), so the loader builds the values from the last
node to the first, each container after all its children.
"""

import numpy as np

from .checkpoint_archive import Unreadable
from .tensor import Tensor

SCALAR_TYPES = (bool, int, float, str, type(None))
ARRAY_KINDS = ("array", "numpy_scalar", "tensor")
CONTAINER_KINDS = ("dict", "list", "tuple")
_DONE = object()  # on the stack after a container's children: the container is closed


# ----- save -----------------------------------------------------------------------------------

def _describe(where):
    """where is a linked path (parent path, key) ... ending in None: 'state_dict[k1][k2]'."""
    keys = []
    while where is not None:
        where, key = where
        keys.append(key)
    return "state_dict" + "".join(f"[{key!r}]" for key in reversed(keys))


def encode_scalar(value):
    # bool before int: True is an int in Python.
    if value is None:
        return {"type": "none"}
    if isinstance(value, bool):
        return {"type": "bool", "value": value}
    if isinstance(value, int):
        return {"type": "int", "value": str(int(value))}  # int(): an IntEnum prints its name
    if isinstance(value, float):
        return {"type": "float", "value": repr(float(value))}
    return {"type": "str", "value": value}


def _encode_leaf(value, where, arrays):
    if isinstance(value, Tensor):
        arrays.append(value._array)
        return {"type": "tensor", "entry": str(len(arrays) - 1),
                "requires_grad": bool(value.requires_grad)}
    if isinstance(value, (np.ndarray, np.generic)):
        array = np.asarray(value)
        if array.dtype.hasobject:
            raise TypeError(f"save: {_describe(where)} is an array of dtype {array.dtype}, "
                            f"which holds Python objects and could only be saved with pickle; "
                            f"convert it to a numeric, bool or string dtype")
        arrays.append(array)
        kind = "numpy_scalar" if isinstance(value, np.generic) else "array"
        return {"type": kind, "entry": str(len(arrays) - 1)}
    if isinstance(value, SCALAR_TYPES):
        return encode_scalar(value)
    if hasattr(value, "state_dict"):  # a Module or an optimizer, which torch.save pickles
        raise TypeError(f"save: {_describe(where)} is a {type(value).__name__}; minigrad never "
                        f"pickles a whole object: save its .state_dict() and restore it with "
                        f".load_state_dict(mg.load(path))")
    raise TypeError(f"save: {_describe(where)} is a {type(value).__name__}, which a checkpoint "
                    f"cannot hold; allowed are dict, list, tuple, numpy arrays, Tensors, numpy "
                    f"scalars, int, float, bool, str and None")


def _children(value, where):
    """(the container node without its children's indices, [(key, child), ...])."""
    if isinstance(value, dict):
        for key in value:
            if not isinstance(key, SCALAR_TYPES):
                raise TypeError(f"save: {_describe(where)} has a key of type "
                                f"{type(key).__name__} ({key!r}); keys must be str, int, "
                                f"float, bool or None")
        return ({"type": "dict", "items": [[encode_scalar(key), None] for key in value]},
                list(value.items()))
    return ({"type": "tuple" if isinstance(value, tuple) else "list",
             "items": [None] * len(value)}, list(enumerate(value)))


def _attach(nodes, place, index):
    """Write child `index` into its slot of its parent; place is (parent index, slot), or
    None for the root."""
    if place is not None:
        parent, slot = place
        if nodes[parent]["type"] == "dict":
            nodes[parent]["items"][slot][1] = index
        else:
            nodes[parent]["items"][slot] = index


def encode(obj):
    """(nodes, arrays): the flat node list of `obj` and its arrays in the order met."""
    nodes, arrays, open_containers = [], [], set()
    stack = [(obj, None, None)]  # (value, where, (parent index, slot)), or (_DONE, id, None)
    while stack:
        value, where, place = stack.pop()
        if value is _DONE:
            open_containers.discard(where)
            continue
        index = len(nodes)
        _attach(nodes, place, index)
        if not isinstance(value, (dict, list, tuple)):
            nodes.append(_encode_leaf(value, where, arrays))
            continue
        if id(value) in open_containers:
            raise ValueError(f"save: {_describe(where)} contains itself")
        node, children = _children(value, where)
        nodes.append(node)
        open_containers.add(id(value))
        stack.append((_DONE, id(value), None))
        for slot in reversed(range(len(children))):
            key, child = children[slot]
            stack.append((child, (where, key), (index, slot)))
    return nodes, arrays


# ----- load -----------------------------------------------------------------------------------

def decode_scalar(node):
    kind = node["type"]
    if kind == "none":
        return None
    if kind == "int":
        return int(node["value"])
    if kind == "float":
        return float(node["value"])
    if kind in ("bool", "str"):
        value = node["value"]
        if not isinstance(value, {"bool": bool, "str": str}[kind]):
            raise Unreadable(f"is damaged: a {kind} node holds {value!r}")
        return value
    raise Unreadable(f"is damaged: unknown node type {kind!r}")


def flatten_nested(tree):
    """The flat node list of a version 1 or 2 tree (containers hold their children)."""
    nodes, stack = [], [(tree, None)]
    while stack:
        node, place = stack.pop()
        index = len(nodes)
        _attach(nodes, place, index)
        kind = node["type"]
        if kind == "dict":
            children = [value for _, value in node["items"]]
            nodes.append({"type": "dict", "items": [[key, None] for key, _ in node["items"]]})
        elif kind in ("list", "tuple"):
            children = node["items"]
            nodes.append({"type": kind, "items": [None] * len(children)})
        else:
            children = []
            nodes.append(node)
        stack.extend((children[slot], (index, slot)) for slot in reversed(range(len(children))))
    return nodes


def entries_of(nodes):
    """The array entries the nodes refer to, in order."""
    return [node["entry"] for node in nodes if node["type"] in ARRAY_KINDS]


def decode(nodes, arrays):
    """The value of node 0, built from the last node to the first."""
    if not isinstance(nodes, list) or not nodes:
        raise Unreadable("is damaged: its header holds no nodes")
    values, referenced = [None] * len(nodes), [False] * len(nodes)
    for index in reversed(range(len(nodes))):
        node = nodes[index]
        kind = node["type"]
        if kind in CONTAINER_KINDS:
            children = [child for _, child in node["items"]] if kind == "dict" else node["items"]
            for child in children:
                if type(child) is not int or not index < child < len(nodes) or referenced[child]:
                    raise Unreadable(f"is damaged: node {index} refers to node {child!r}")
                referenced[child] = True
            if kind == "dict":
                values[index] = {decode_scalar(key): values[child] for key, child in node["items"]}
            else:
                items = [values[child] for child in children]
                values[index] = tuple(items) if kind == "tuple" else items
            for child in children:
                values[child] = None  # each value is held by its container only
        elif kind in ARRAY_KINDS:
            array = arrays[node["entry"]]
            if kind == "tensor":
                values[index] = Tensor._from_op(array, requires_grad=False).requires_grad_(
                    node["requires_grad"])
            else:
                values[index] = array[()] if kind == "numpy_scalar" else array
        else:
            values[index] = decode_scalar(node)
    if not all(referenced[1:]):
        raise Unreadable(f"is damaged: node {referenced.index(False, 1)} belongs to no container")
    return values[0]
