import base64

from matplotlib.figure import Figure

from kurs.figures import png_bytes, png_data_uri, save_png


def figure() -> Figure:
    chart = Figure(figsize=(3, 2))
    axes = chart.subplots()
    axes.plot([1, 2, 3], [2, 1, 3])
    axes.set_title("wykres")
    return chart


def test_the_same_figure_gives_the_same_bytes(tmp_path):
    first = save_png(figure(), tmp_path / "a" / "wykres.png").read_bytes()
    assert first.startswith(b"\x89PNG\r\n\x1a\n")
    assert first == png_bytes(figure()) and b"matplotlib" not in first
    assert [p.name for p in (tmp_path / "a").iterdir()] == ["wykres.png"]


def test_data_uri_embeds_the_png():
    uri = png_data_uri(figure(), dpi=50)
    assert uri.startswith("data:image/png;base64,")
    assert base64.b64decode(uri.split(",", 1)[1]) == png_bytes(figure(), dpi=50)
