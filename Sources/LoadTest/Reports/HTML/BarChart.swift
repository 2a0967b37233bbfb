/// A horizontal bar chart as inline SVG: one labelled row per bar, the count and its
/// share of the total written after the bar. Suits outcomes and hangup causes, whose
/// labels are long and whose number varies.
struct BarChart {
    /// One row.
    struct Bar {
        var label: String
        var value: Int
        var color: String
    }

    var title: String
    var bars: [Bar]
    var width = 560.0

    private let labelWidth = 190.0, valueWidth = 96.0, rowHeight = 22.0, top = 26.0, bottom = 8.0
    /// Labels longer than this are cut (the full text stays in the bar's tooltip).
    static let maxLabel = 30

    /// The `<svg>` element.
    func svg() -> String {
        let rows = Swift.max(1, bars.count)
        let height = top + Double(rows) * rowHeight + bottom
        let total = bars.reduce(0) { $0 + Swift.max(0, $1.value) }
        let largest = bars.map(\.value).max() ?? 0
        let scale = ChartScale.linear(0, Double(Swift.max(1, largest)), to: (labelWidth, width - valueWidth))
        var out = SVGText.open(width: width, height: height, label: title)
        out += SVGText.title(title, x: 0, y: 14)
        if bars.isEmpty {
            out += SVGText.text("none", x: width / 2, y: top + 15, anchor: "middle")
        }
        for (index, bar) in bars.enumerated() {
            let y = top + Double(index) * rowHeight
            let label = bar.label.count > Self.maxLabel ? String(bar.label.prefix(Self.maxLabel - 1)) + "…" : bar.label
            out += SVGText.text(label, x: labelWidth - 8, y: y + 15, anchor: "end")
            let end = scale.position(Double(Swift.max(0, bar.value)))
            let share = total > 0 ? Double(bar.value) / Double(total) * 100 : 0
            let tooltip = "\(bar.label): \(bar.value) (\(SVGNumber.label(share))%)"
            out += SVGText.rect(
                x: labelWidth, y: y + 3, width: Swift.max(bar.value > 0 ? 1.5 : 0, end - labelWidth), height: rowHeight - 6,
                fill: bar.color, tooltip: tooltip)
            out += SVGText.text(
                "\(bar.value)  (\(SVGNumber.label(share))%)", x: Swift.max(end, labelWidth) + 6, y: y + 15, anchor: "start")
        }
        return out + "</svg>\n"
    }
}
