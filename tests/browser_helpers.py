"""What the browser tests share: Debian's chromium, driven by playwright (never a browser download), and a probe
of the notebook JupyterLab shows. The ``browser`` fixture is in conftest.py."""
import pytest

from tools.build_slides import CHROMIUM

needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium: apt-get install chromium")

# The notebook JupyterLab shows (needs --LabApp.expose_app_in_browser=True): kernel state, code cells, cells run, errors.
CELLS_STATE = """() => {
    const panel = window.jupyterapp.shell.currentWidget;
    if (!panel || !panel.content || !panel.sessionContext.session) return null;
    const cells = panel.content.widgets.filter(c => c.model.type === 'code');
    return {
        kernel: panel.sessionContext.session.kernel.status,
        code: cells.length,
        run: cells.filter(c => c.model.executionCount !== null).length,
        errors: cells.flatMap(c => c.model.outputs.toJSON().filter(o => o.output_type === 'error')
                                            .map(o => o.ename + ': ' + o.evalue)),
    };
}"""
