/// The page around the report's sections: doctype, inline CSS (screen and print), and
/// the escaping every piece of text goes through.
///
/// The page is self-contained on purpose: no scripts, no fonts, no images fetched from
/// anywhere, so a report copied off a lab machine opens the same offline.
enum HTMLPage {
    /// Escapes text for an HTML element or a quoted attribute value.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    /// The whole document, `body` already being HTML.
    static func document(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="generator" content="switchy">
        <title>\(escape(title))</title>
        <style>
        \(css)
        </style>
        </head>
        <body>
        \(body)
        </body>
        </html>

        """
    }

    /// Colours for outcomes and series; also used by the legend swatches.
    enum Color {
        static let target = "#7f8c9a"
        static let achieved = "#1f6feb"
        static let active = "#8250df"
        static let p50 = "#1a7f37"
        static let p95 = "#bf8700"
        static let p99 = "#cf222e"
        static let bar = "#1f6feb"

        static func outcome(_ name: String) -> String {
            switch name {
            case "answered": "#1a7f37"
            case "dropped": "#fb8f44"
            case "rejected": "#bc4c00"
            case "no_answer": "#bf8700"
            case "failed": "#cf222e"
            case "cancelled": "#6e7781"
            case "lost": "#8250df"
            default: "#1f6feb"
            }
        }
    }

    static let css = """
        :root { color-scheme: light; }
        * { box-sizing: border-box; }
        body { margin: 0; padding: 24px 32px 48px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto,
          "Helvetica Neue", Arial, sans-serif; color: #1f2328; background: #f6f8fa; }
        main { max-width: 1200px; margin: 0 auto; }
        header.run { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 24px; padding: 16px 20px;
          background: #fff; border: 1px solid #d0d7de; border-radius: 8px; }
        header.run h1 { margin: 0; font-size: 22px; flex: 1 1 auto; overflow-wrap: anywhere; }
        header.run dl { display: grid; grid-template-columns: auto auto; gap: 2px 12px; margin: 0; font-size: 13px; }
        header.run dt { color: #59636e; }
        header.run dd { margin: 0; font-variant-numeric: tabular-nums; }
        .verdict { font-weight: 700; font-size: 18px; padding: 6px 16px; border-radius: 6px; color: #fff;
          letter-spacing: 0.04em; }
        .verdict.pass { background: #1a7f37; }
        .verdict.fail { background: #cf222e; }
        .verdict.none { background: #6e7781; }
        .verdict.interrupted { background: #9a6700; }
        .badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; }
        .badge.pass { background: #dafbe1; color: #116329; }
        .badge.fail { background: #ffebe9; color: #a40e26; }
        .badge.warn { background: #fff8c5; color: #7d4e00; }
        section { margin-top: 20px; }
        h2 { font-size: 17px; margin: 0 0 10px; }
        .figures { display: grid; grid-template-columns: repeat(auto-fit, minmax(128px, 1fr)); gap: 12px; }
        .figure { background: #fff; border: 1px solid #d0d7de; border-radius: 8px; padding: 10px 14px; }
        .figure .label { color: #59636e; font-size: 12px; text-transform: uppercase; letter-spacing: 0.03em; }
        .figure .value { font-size: 22px; font-weight: 600; font-variant-numeric: tabular-nums; white-space: nowrap; }
        .figure .sub { color: #59636e; font-size: 12px; }
        .figure.bad .value { color: #cf222e; }
        .grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); gap: 16px; }
        .card { background: #fff; border: 1px solid #d0d7de; border-radius: 8px; padding: 12px 14px;
          min-width: 0; overflow-x: auto; }
        .card h3 { font-size: 14px; margin: 0 0 6px; }
        .card p.note, p.note { color: #59636e; font-size: 12px; margin: 6px 0 0; }
        .empty { color: #59636e; font-style: italic; padding: 24px 0; text-align: center; }
        svg.chart { display: block; width: 100%; height: auto; font-size: 11px; }
        svg.chart text { fill: #59636e; }
        svg.chart .title { fill: #1f2328; font-weight: 600; font-size: 12px; }
        svg.chart .grid-line { stroke: #eaeef2; }
        svg.chart .axis { stroke: #8c959f; }
        table { border-collapse: collapse; width: 100%; background: #fff; font-variant-numeric: tabular-nums; }
        th, td { padding: 5px 10px; border-bottom: 1px solid #eaeef2; text-align: right; white-space: nowrap; }
        th { background: #f6f8fa; font-weight: 600; color: #424a53; white-space: normal; }
        th:first-child, td:first-child, td.text, th.text { text-align: left; }
        td.text { white-space: normal; overflow-wrap: anywhere; }
        td.text:first-child { white-space: nowrap; overflow-wrap: normal; }
        .table-wrap { background: #fff; border: 1px solid #d0d7de; border-radius: 8px; overflow-x: auto; }
        ul.warnings { margin: 0; padding: 10px 28px; background: #fff8c5; border: 1px solid #d4a72c;
          border-radius: 8px; }
        pre.profile { background: #fff; border: 1px solid #d0d7de; border-radius: 8px; padding: 12px 14px;
          font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; white-space: pre-wrap;
          overflow-wrap: anywhere; margin: 0; }
        footer { margin-top: 28px; color: #59636e; font-size: 12px; }
        details.profile > summary { cursor: pointer; font-size: 18px; font-weight: 600; margin: 0 0 10px; }
        section.merge ul { margin: 6px 0 0; padding-left: 22px; }
        /* Narrow windows: tighter tables, so their numbers still fit the page. */
        @media (max-width: 1000px) {
          th, td { padding: 4px 5px; font-size: 12px; }
        }
        @media print {
          body { background: #fff; padding: 0; font-size: 11px; }
          main { max-width: none; }
          /* One chart a row: at half a page's width their labels would be too small to read. */
          .grid { grid-template-columns: 1fr; gap: 10px; }
          .card svg.chart { max-width: 600px; margin: 0 auto; }
          .card, .table-wrap { overflow: visible; }
          th, td { padding: 3px 6px; }
          .card, .figure, .table-wrap, header.run { border-color: #bbb; break-inside: avoid; }
          h2, h3 { break-after: avoid; }
          .verdict, .badge { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
          svg.chart { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
        }
        """
}
