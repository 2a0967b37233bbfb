/// The live progress line, made to fit a terminal's width: the fullest layout that
/// fits, then shorter labels, then fewer columns. Pure (width and colour are given), so
/// a test sees exactly what an 80-column terminal would.
struct ProgressLine {
    /// What the line shows.
    struct Figures: Equatable {
        /// Seconds since offering began.
        var elapsed: Double
        /// The planned offering time (`run_time`, or a ramp's length), if there is one.
        var planned: Double?
        /// How far the run is, 0…1, when known (time, or calls of `max_offered`).
        var fraction: Double?
        /// Calls offered in the last second.
        var rate: Double
        /// What the schedule asks for now (calls/s).
        var target: Double
        var callsUp: Int
        var answered: Int
        var dropped: Int
        var failed: Int
        var lost: Int
        var blocked: Int
        /// Offering is over; the calls still up are ending.
        var draining: Bool
        /// In a capacity search: the step offered now (0-based), of how many, at which rate.
        var step: (index: Int, count: Int, rate: Double)? = nil

        static func == (lhs: Figures, rhs: Figures) -> Bool {
            lhs.elapsed == rhs.elapsed && lhs.planned == rhs.planned && lhs.fraction == rhs.fraction
                && lhs.rate == rhs.rate && lhs.target == rhs.target && lhs.callsUp == rhs.callsUp
                && lhs.answered == rhs.answered && lhs.dropped == rhs.dropped && lhs.failed == rhs.failed
                && lhs.lost == rhs.lost && lhs.blocked == rhs.blocked && lhs.draining == rhs.draining
                && lhs.step?.index == rhs.step?.index && lhs.step?.count == rhs.step?.count && lhs.step?.rate == rhs.step?.rate
        }
    }

    /// ANSI colours, used only when the caller says the terminal wants them.
    enum Colour: String {
        case red = "\u{1B}[31m"
        case green = "\u{1B}[32m"
        case yellow = "\u{1B}[33m"
        static let reset = "\u{1B}[0m"
    }

    /// One piece of the line: its text and, when coloured, its colour.
    private struct Piece {
        var text: String
        var colour: Colour?
    }

    /// The line for `figures`, at most `width - 1` visible columns (the last column of
    /// a terminal wraps on some), coloured when `colour` is true.
    static func render(_ figures: Figures, width: Int, colour: Bool) -> String {
        let room = max(1, width - 1)
        for layout in Layout.allCases {
            let pieces = layout.pieces(figures)
            if visibleWidth(pieces, layout.separator) <= room { return join(pieces, layout.separator, colour: colour) }
        }
        // Nothing fits: the barest layout, cut.
        let bare = Layout.bare
        return String(join(bare.pieces(figures), bare.separator, colour: false).prefix(room))
    }

    /// Layouts from the fullest to the barest.
    private enum Layout: CaseIterable {
        case full, compact, short, bare

        /// Between two pieces: two spaces where there is room, one where there is not.
        var separator: String { self == .full ? "  " : " " }

        func pieces(_ figures: Figures) -> [Piece] {
            var f = figures
            // Draining: the time since the start alone, and no rate (offering is over).
            if f.draining { (f.planned, f.step) = (nil, nil) }
            var pieces: [Piece] = []
            let failures = f.dropped + f.failed + f.lost
            switch self {
            case .full, .compact:
                let full = self == .full
                let planned = f.planned.map { (full ? " / " : "/") + ProgressLine.time($0, tenths: false) } ?? ""
                pieces.append(Piece(text: ProgressLine.time(f.elapsed, tenths: full) + planned))
                if let step = f.step {
                    pieces.append(Piece(text: "step \(step.index + 1)/\(step.count) \(full ? "at " : "")\(ProgressLine.rate(step.rate))/s"))
                } else if let fraction = f.fraction {
                    pieces.append(Piece(text: "\(ProgressLine.bar(fraction, width: full ? 20 : 10)) \(ProgressLine.percent(fraction))"))
                }
                if !f.draining {
                    let rate = "\(ProgressLine.rate(f.rate))/s"
                    pieces.append(Piece(text: full ? "rate \(rate) (target \(ProgressLine.rate(f.target)))" : rate))
                }
                pieces.append(Piece(text: "up \(f.callsUp)"))
                // (long label, short label, count, colour when non-zero)
                let counts: [(String, String, Int, Colour)] = [
                    ("answered", "ans", f.answered, .green), ("dropped", "drop", f.dropped, .red),
                    ("failed", "fail", f.failed, .red), ("lost", "lost", f.lost, .red), ("blocked", "blk", f.blocked, .yellow),
                ]
                for (long, short, count, colour) in counts {
                    pieces.append(Piece(text: "\(full ? long : short) \(count)", colour: count > 0 ? colour : nil))
                }
            case .short:
                pieces.append(Piece(text: ProgressLine.time(f.elapsed, tenths: false)))
                if let step = f.step {
                    pieces.append(Piece(text: "s\(step.index + 1)/\(step.count)"))
                } else if let fraction = f.fraction {
                    pieces.append(Piece(text: ProgressLine.percent(fraction)))
                }
                if !f.draining { pieces.append(Piece(text: "\(ProgressLine.rate(f.rate))/s")) }
                pieces.append(Piece(text: "up \(f.callsUp)"))
                pieces.append(Piece(text: "ans \(f.answered)", colour: f.answered > 0 ? .green : nil))
                pieces.append(Piece(text: "err \(failures)", colour: failures > 0 ? .red : nil))
            case .bare:
                if let step = f.step {
                    pieces.append(Piece(text: "s\(step.index + 1)/\(step.count)"))
                } else if let fraction = f.fraction {
                    pieces.append(Piece(text: ProgressLine.percent(fraction)))
                }
                pieces.append(Piece(text: "up \(f.callsUp)"))
                pieces.append(Piece(text: "err \(failures)", colour: failures > 0 ? .red : nil))
            }
            if f.draining { pieces.append(Piece(text: self == .full ? "draining" : "drain")) }
            return pieces
        }
    }

    private static func visibleWidth(_ pieces: [Piece], _ separator: String) -> Int {
        pieces.reduce(0) { $0 + $1.text.count } + separator.count * max(0, pieces.count - 1)
    }

    private static func join(_ pieces: [Piece], _ separator: String, colour: Bool) -> String {
        pieces.map { piece in
            guard colour, let paint = piece.colour else { return piece.text }
            return paint.rawValue + piece.text + Colour.reset
        }.joined(separator: separator)
    }

    /// `[=========>          ]`: `width` columns inside the brackets.
    static func bar(_ fraction: Double, width: Int) -> String {
        let clamped = min(1, max(0, fraction))
        let filled = Int((clamped * Double(width)).rounded(.down))
        if filled >= width { return "[" + String(repeating: "=", count: width) + "]" }
        return "[" + String(repeating: "=", count: filled) + ">" + String(repeating: " ", count: width - filled - 1) + "]"
    }

    static func percent(_ fraction: Double) -> String {
        let value = Int((min(1, max(0, fraction)) * 100).rounded(.down))
        return "\(value)%"
    }

    /// `12.3s` or `12s`; `4m05s` from a minute, `1h02m` from an hour.
    static func time(_ seconds: Double, tenths: Bool) -> String {
        let value = max(0, seconds)
        if value < 60 {
            return tenths ? "\(Int(value))." + "\(Int((value * 10).rounded(.down)) % 10)s" : "\(Int(value))s"
        }
        let whole = Int(value)
        if whole < 3600 { return "\(whole / 60)m" + two(whole % 60) + "s" }
        return "\(whole / 3600)h" + two(whole % 3600 / 60) + "m"
    }

    private static func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

    /// One decimal below 100/s, none above.
    static func rate(_ value: Double) -> String {
        let rate = max(0, value)
        if rate >= 100 { return "\(Int(rate.rounded()))" }
        let tenths = Int((rate * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}
