"""The code the notebooks teach, for the places that reuse it (later notebooks, benchmarks, tools, decks, tests).

Each module here is written by ``make export`` (tools/export_lessons.py, nbdev's exporter) from the cells of one
notebook that start with ``#| export``: ``mnist_cnn`` from notebooks/03_mnist_cnn.ipynb, and so on. Never edit a
module: edit the notebook, run ``make export``, and commit both; tests/test_lessons.py fails while they differ.

    >>> from course_utils.lessons.mnist_cnn import course_cnn
    >>> course_cnn().count_params()
    242218
"""
