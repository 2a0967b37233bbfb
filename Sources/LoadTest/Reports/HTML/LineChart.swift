/// A line chart as inline SVG: linear axes with gridlines and tick labels, a legend,
/// one polyline per series. Gaps (nil values) break a line; a run of a single point is
/// drawn as a dot so one-second runs still show something.
struct LineChart {
    /// One line.
    struct Series {
        var name: String
        var color: String
        /// (x, y) in data units; a nil y leaves a gap.
        var points: [(x: Double, y: Double?)]
        var dashed = false
    }

    var title: String
    /// The y axis's unit, written above it (`calls/s`).
    var yUnit: String
    /// The x axis's unit, written after the last tick (`s`).
    var xUnit: String
    var series: [Series]
    var width = 560.0
    var height = 250.0

    private let left = 48.0, right = 14.0, top = 44.0, bottom = 30.0

    /// The `<svg>` element.
    func svg() -> String {
        let xs = series.flatMap { $0.points.map(\.x) }.filter(\.isFinite)
        let ys = series.flatMap { $0.points.compactMap(\.y) }.filter(\.isFinite)
        let xScale = ChartScale.linear(Swift.min(0, xs.min() ?? 0), xs.max() ?? 1, to: (left, width - right))
        let yScale = ChartScale.linear(0, ChartScale.niceCeiling(ys.max() ?? 0), to: (height - bottom, top))
        var out = SVGText.open(width: width, height: height, label: title)
        out += SVGText.title(title, x: left, y: 14)
        out += legend()
        for tick in yScale.ticks() {
            let y = yScale.position(tick)
            out += SVGText.line(left, y, width - right, y, attributes: #"class="grid-line""#)
            out += SVGText.text(SVGNumber.label(tick), x: left - 6, y: y + 4, anchor: "end")
        }
        out += SVGText.text(yUnit, x: 4, y: top - 10, anchor: "start")
        let xTicks = xScale.ticks(count: 8)
        for (index, tick) in xTicks.enumerated() {
            let x = xScale.position(tick)
            out += SVGText.line(x, height - bottom, x, height - bottom + 4, attributes: #"class="axis""#)
            let unit = index == xTicks.count - 1 ? " " + xUnit : ""
            out += SVGText.text(SVGNumber.label(tick) + unit, x: x, y: height - bottom + 16, anchor: "middle")
        }
        out += SVGText.line(left, height - bottom, width - right, height - bottom, attributes: #"class="axis""#)
        out += SVGText.line(left, top, left, height - bottom, attributes: #"class="axis""#)
        // The last series is drawn first, so the first (p50, achieved …) stays on top.
        for line in series.reversed() {
            out += path(line, xScale, yScale)
        }
        // Each point's exact value, on hover (no script): an invisible dot with a title.
        for line in series {
            out += hoverPoints(line, xScale, yScale)
        }
        if ys.isEmpty {
            out += SVGText.text("no data", x: (left + width - right) / 2, y: (top + height - bottom) / 2, anchor: "middle")
        }
        return out + "</svg>\n"
    }

    private func legend() -> String {
        var out = ""
        var x = left
        for line in series {
            let dash = line.dashed ? #" stroke-dasharray="5 3""# : ""
            out += SVGText.line(
                x, 30, x + 18, 30,
                attributes: #"stroke="\#(line.color)" stroke-width="2.5"\#(dash)"#)
            out += SVGText.text(line.name, x: x + 23, y: 34, anchor: "start")
            x += 34 + Double(line.name.count) * 6.6
        }
        return out
    }

    /// At most this many hover dots a series (a long run's points are sampled evenly).
    static let hoverLimit = 1_200

    private func hoverPoints(_ line: Series, _ xScale: ChartScale, _ yScale: ChartScale) -> String {
        let points = line.points.compactMap { point in point.y.map { (x: point.x, y: $0) } }.filter { $0.x.isFinite && $0.y.isFinite }
        let stride = Swift.max(1, (points.count + Self.hoverLimit - 1) / Self.hoverLimit)
        var out = ""
        for (index, point) in points.enumerated() where index % stride == 0 {
            let label = "\(line.name) at \(SVGNumber.exact(point.x)) \(xUnit): \(SVGNumber.exact(point.y)) \(yUnit)"
            out += #"<circle class="hover" cx="\#(SVGNumber.format(xScale.position(point.x)))" cy="\#(SVGNumber.format(yScale.position(point.y)))" r="4" fill="\#(line.color)" fill-opacity="0"><title>\#(HTMLPage.escape(label))</title></circle>"#
                + "\n"
        }
        return out
    }

    private func path(_ line: Series, _ xScale: ChartScale, _ yScale: ChartScale) -> String {
        var runs: [[(Double, Double)]] = [[]]
        for point in line.points {
            if let y = point.y, y.isFinite, point.x.isFinite {
                runs[runs.count - 1].append((xScale.position(point.x), yScale.position(y)))
            } else if !(runs.last?.isEmpty ?? true) {
                runs.append([])
            }
        }
        let dash = line.dashed ? #" stroke-dasharray="5 3""# : ""
        var out = ""
        for run in runs where !run.isEmpty {
            if run.count == 1 {
                out += #"<circle cx="\#(SVGNumber.format(run[0].0))" cy="\#(SVGNumber.format(run[0].1))" r="2.5" fill="\#(line.color)"/>"#
                    + "\n"
            } else {
                let points = run.map { SVGNumber.format($0.0) + "," + SVGNumber.format($0.1) }.joined(separator: " ")
                out += #"<polyline fill="none" stroke="\#(line.color)" stroke-width="1.8" stroke-linejoin="round"\#(dash) points="\#(points)"/>"#
                    + "\n"
            }
        }
        return out
    }
}

/// The small SVG vocabulary the charts share; every text is escaped, every number
/// formatted by ``SVGNumber``.
enum SVGText {
    static func open(width: Double, height: Double, label: String) -> String {
        let w = SVGNumber.format(width), h = SVGNumber.format(height)
        return #"<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \#(w) \#(h)" width="\#(w)" height="\#(h)" role="img" aria-label="\#(HTMLPage.escape(label))">"#
            + "\n<title>\(HTMLPage.escape(label))</title>\n"
    }

    static func title(_ text: String, x: Double, y: Double) -> String {
        #"<text class="title" x="\#(SVGNumber.format(x))" y="\#(SVGNumber.format(y))">\#(HTMLPage.escape(text))</text>"#
            + "\n"
    }

    static func text(_ text: String, x: Double, y: Double, anchor: String, attributes: String = "") -> String {
        let extra = attributes.isEmpty ? "" : " " + attributes
        return #"<text x="\#(SVGNumber.format(x))" y="\#(SVGNumber.format(y))" text-anchor="\#(anchor)"\#(extra)>\#(HTMLPage.escape(text))</text>"#
            + "\n"
    }

    static func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, attributes: String) -> String {
        #"<line x1="\#(SVGNumber.format(x1))" y1="\#(SVGNumber.format(y1))" x2="\#(SVGNumber.format(x2))" y2="\#(SVGNumber.format(y2))" \#(attributes)/>"#
            + "\n"
    }

    static func rect(x: Double, y: Double, width: Double, height: Double, fill: String, tooltip: String? = nil) -> String {
        let head = #"<rect x="\#(SVGNumber.format(x))" y="\#(SVGNumber.format(y))" width="\#(SVGNumber.format(Swift.max(0, width)))" height="\#(SVGNumber.format(Swift.max(0, height)))" fill="\#(fill)""#
        guard let tooltip else { return head + "/>\n" }
        return head + "><title>\(HTMLPage.escape(tooltip))</title></rect>\n"
    }
}
