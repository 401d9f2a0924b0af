import io
import json

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

SCRIPT = "import numpy as np\n\ndef train():\n    return np.zeros(3)\n"


def named(name: str, content: str | bytes) -> io.BytesIO:
    stream = io.BytesIO(content.encode() if isinstance(content, str) else content)
    stream.name = name
    return stream


def notebook_text() -> str:
    """A notebook with a Markdown cell that tries a script, a code cell and its stored outputs."""
    notebook = new_notebook(
        cells=[
            new_markdown_cell("# Baseline\n<script>alert('x')</script>Accuracy below."),
            new_code_cell(
                "print(21 * 2)",
                execution_count=1,
                outputs=[
                    new_output("stream", name="stdout", text="42\n"),
                    new_output("display_data", data={"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"}),
                    new_output(
                        "display_data",
                        data={
                            "text/html": "<b style='color:red' onclick='steal()'>bold</b><script>x()</script>"
                        },
                    ),
                ],
            ),
        ]
    )
    return nbformat.writes(notebook)


@pytest.fixture
def notebook() -> str:
    return notebook_text()


@pytest.fixture
def bob_api(api_for, other_participant):
    return api_for(other_participant)


def as_json(response):
    return json.loads(b"".join(response.streaming_content) if response.streaming else response.content)
