"""How a project's files are shown: notebooks rendered read-only with their stored outputs, code and text
highlighted on the server, images shown, everything else listed with its size.

Rendering happens once, when a version is saved (services.prepare_files), and the sanitised HTML is kept
on the file's row: a page view never parses a notebook. Nothing in a notebook is executed: nbconvert only
turns the stored cells and outputs into HTML, and nh3 then keeps an allow-list of tags and attributes (no
script, no style, no event handler; images only as data: URLs of raster formats), so the page keeps the
site's Content-Security-Policy."""

import re
import warnings
from dataclasses import dataclass
from pathlib import PurePosixPath

import nh3
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_for_filename
from pygments.util import ClassNotFound

from config.rendering import ALLOWED_ATTRIBUTES, ALLOWED_SCHEMES, ALLOWED_TAGS, LINK_REL

NOTEBOOK_SUFFIXES = {".ipynb"}
CODE_SUFFIXES = {
    ".py", ".r", ".txt", ".md", ".json", ".yaml", ".yml", ".toml", ".cfg", ".ini", ".sh", ".sql", ".jl",
    ".csv", ".tsv", ".js", ".ts", ".c", ".cpp", ".h", ".java", ".scala", ".rs", ".go", ".rmd",
}  # fmt: skip
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp"}
# A model artefact's framework, read from its file name's ending (an owner may say otherwise on upload).
MODEL_FRAMEWORKS = {
    ".pt": "pytorch",
    ".pth": "pytorch",
    ".ckpt": "pytorch",
    ".safetensors": "safetensors",
    ".onnx": "onnx",
    ".h5": "keras",
    ".keras": "keras",
    ".pkl": "scikit-learn",
    ".joblib": "scikit-learn",
    ".pb": "tensorflow",
    ".tflite": "tensorflow",
    ".gguf": "gguf",
    ".xgb": "xgboost",
    ".lgb": "lightgbm",
    ".cbm": "catboost",
}
# Bigger text files are listed, not highlighted: the page would be unreadable and slow to send.
MAX_HIGHLIGHT_BYTES = 1024 * 1024
MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024

NOTEBOOK_TAGS = ALLOWED_TAGS | {
    "div",
    "span",
    "img",
    "details",
    "summary",
    "caption",
    "tfoot",
    "dl",
    "dt",
    "dd",
}
NOTEBOOK_ATTRIBUTES = {
    **ALLOWED_ATTRIBUTES,
    "*": {"class"},
    "img": {"src", "alt", "width", "height"},
    "a": {"href", "title"},
}
DATA_IMAGE = re.compile(r"^data:image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]+$")


@dataclass(frozen=True)
class Rendered:
    kind: str
    html: str = ""
    note: str = ""
    framework: str = ""


def kind_of(name: str) -> str:
    suffix = PurePosixPath(name).suffix.lower()
    if suffix in NOTEBOOK_SUFFIXES:
        return "notebook"
    if suffix in CODE_SUFFIXES or name.lower() in {"dockerfile", "makefile", "readme", "license"}:
        return "code"
    if suffix in IMAGE_SUFFIXES:
        return "image"
    if suffix in MODEL_FRAMEWORKS:
        return "model"
    return "other"


def framework_of(name: str) -> str:
    return MODEL_FRAMEWORKS.get(PurePosixPath(name).suffix.lower(), "")


def highlighted(name: str, text: str) -> str:
    """The text as Pygments' HTML, with classes (static/podium/pygments.css colours them), no inline style."""
    try:
        lexer = get_lexer_for_filename(name, stripnl=False)
    except ClassNotFound:
        from pygments.lexers.special import TextLexer

        lexer = TextLexer(stripnl=False)
    return highlight(text, lexer, HtmlFormatter(cssclass="highlight", wrapcode=True))


def keep_attribute(element: str, attribute: str, value: str) -> str | None:
    """Images in a notebook are its stored outputs, embedded as data: URLs; nothing else may load."""
    if element == "img" and attribute == "src":
        return value if DATA_IMAGE.match(value) else None
    if attribute == "href" and value.lower().startswith("data:"):
        return None
    return value


def sanitise_notebook_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=NOTEBOOK_TAGS,
        clean_content_tags={"script", "style"},
        attributes=NOTEBOOK_ATTRIBUTES,
        attribute_filter=keep_attribute,
        url_schemes=ALLOWED_SCHEMES | {"data"},
        link_rel=LINK_REL,
    )


def notebook_html(raw: bytes) -> Rendered:
    """A notebook's cells and stored outputs as sanitised HTML; a file that is not a notebook is listed with
    the reason instead."""
    import nbformat
    from nbconvert import HTMLExporter

    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return Rendered("notebook", note="Not shown: this notebook is not UTF-8 text.")
    try:
        notebook = nbformat.reads(text, as_version=4)  # type: ignore[no-untyped-call]
    except nbformat.reader.NotJSONError:
        return Rendered(
            "notebook", note="Not shown: this .ipynb file is not valid JSON, so it is not a notebook."
        )
    except Exception as error:  # nbformat raises several kinds for a document that is not a notebook
        return Rendered(
            "notebook", note=f"Not shown: this .ipynb file is not a Jupyter notebook ({short(error)})."
        )
    try:
        nbformat.validate(notebook)
    except nbformat.ValidationError as error:
        return Rendered(
            "notebook", note=f"Not shown: this notebook does not follow nbformat 4 ({short(error)})."
        )
    exporter = HTMLExporter(template_name="basic")  # type: ignore[no-untyped-call]
    with (
        warnings.catch_warnings()
    ):  # "IPython3 lexer unavailable": nbconvert falls back on Python's, as meant
        warnings.simplefilter("ignore", UserWarning)
        body, _ = exporter.from_notebook_node(notebook)
    return Rendered("notebook", html=sanitise_notebook_html(body))


def short(error: Exception) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return text[:200]


def render_file(name: str, raw: bytes | None, size: int) -> Rendered:
    """What the page shows for a file, given its bytes (None when it is too big to read for showing)."""
    kind = kind_of(name)
    if kind == "model":
        return Rendered(kind, framework=framework_of(name))
    if kind == "notebook":
        if raw is None or size > MAX_NOTEBOOK_BYTES:
            return Rendered(
                kind, note=f"Not shown: notebooks over {MAX_NOTEBOOK_BYTES // 2**20} MB are listed only."
            )
        return notebook_html(raw)
    if kind == "code":
        if raw is None or size > MAX_HIGHLIGHT_BYTES:
            return Rendered(
                kind, note=f"Not shown: text files over {MAX_HIGHLIGHT_BYTES // 2**20} MB are listed only."
            )
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return Rendered(kind, note="Not shown: this file is not UTF-8 text.")
        return Rendered(kind, html=highlighted(name, text))
    return Rendered(kind)


def pygments_css() -> str:
    """The stylesheet static/podium/pygments.css holds (a test keeps the two the same)."""
    return HtmlFormatter(style="default").get_style_defs(".highlight") + "\n"
