import Foundation

/// The numeric attributes of SVG markup, to check every one is a finite number.
enum SVGAttributes {
    static let numericNames = ["x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "width", "height", "viewBox", "points"]

    /// Each numeric attribute's value split into its numbers (`points` and `viewBox`
    /// hold several), with the attribute name.
    static func numbers(in markup: String) -> [(name: String, value: String)] {
        var found: [(String, String)] = []
        for name in numericNames {
            let pattern = try! NSRegularExpression(pattern: "\\s\(name)=\"([^\"]*)\"")
            let range = NSRange(markup.startIndex..., in: markup)
            for match in pattern.matches(in: markup, range: range) {
                let value = String(markup[Range(match.range(at: 1), in: markup)!])
                for part in value.split(whereSeparator: { $0 == " " || $0 == "," }) { found.append((name, String(part))) }
            }
        }
        return found
    }

    /// The attributes whose value is not a finite number (NaN, inf, empty, garbage).
    static func bad(in markup: String) -> [String] {
        numbers(in: markup).filter { Double($0.value).map { !$0.isFinite } ?? true }.map { "\($0.name)=\($0.value)" }
    }
}
