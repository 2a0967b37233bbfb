/// Recursive-descent parser for ``Threshold`` (see its grammar).
struct ThresholdParser {
    let text: String
    private let characters: [Character]
    private var index = 0

    init(text: String) {
        self.text = text
        self.characters = Array(text)
    }

    mutating func parse() throws(Threshold.ParseError)
        -> (Threshold.Expression, Threshold.Comparison, Threshold.Expression)
    {
        skipSpace()
        guard index < characters.count else { throw error("empty; expected e.g. \"answer_ms.p99 < 500\"") }
        let left = try expression()
        skipSpace()
        guard let comparison = comparison() else {
            if index < characters.count { throw error("expected <, <=, >, >=, == or != at \"\(rest)\"") }
            throw error("no comparison; expected e.g. \"\(text) < 500\"")
        }
        let right = try expression()
        skipSpace()
        guard index == characters.count else { throw error("unexpected \"\(rest)\" at the end") }
        return (left, comparison, right)
    }

    private var rest: String { String(characters[index...].prefix(20)) }

    private mutating func expression() throws(Threshold.ParseError) -> Threshold.Expression {
        var result = try term()
        while true {
            skipSpace()
            guard let op = peek(), op == "+" || op == "-" else { return result }
            index += 1
            result = .binary(result, op, try term())
        }
    }

    private mutating func term() throws(Threshold.ParseError) -> Threshold.Expression {
        var result = try factor()
        while true {
            skipSpace()
            guard let op = peek(), op == "*" || op == "/" else { return result }
            index += 1
            result = .binary(result, op, try factor())
        }
    }

    private mutating func factor() throws(Threshold.ParseError) -> Threshold.Expression {
        skipSpace()
        guard let character = peek() else { throw error("a number or a metric is missing at the end") }
        if character == "(" {
            index += 1
            let inner = try expression()
            skipSpace()
            guard peek() == ")" else { throw error("a \")\" is missing") }
            index += 1
            return inner
        }
        if character == "-" {
            index += 1
            return .negate(try factor())
        }
        if character.isNumber || character == "." {
            let start = index
            while let c = peek(), c.isNumber || c == "." || c == "e" || c == "E" { index += 1 }
            let literal = String(characters[start..<index])
            guard let number = Double(literal), number.isFinite else { throw error("\"\(literal)\" is not a number") }
            return .number(number)
        }
        if character.isLetter || character == "_" {
            let start = index
            while let c = peek(), c.isLetter || c.isNumber || c == "_" || c == "." { index += 1 }
            return .metric(String(characters[start..<index]))
        }
        throw error("unexpected \"\(character)\"; expected a number or a metric")
    }

    private mutating func comparison() -> Threshold.Comparison? {
        for op in ["<=", ">=", "==", "!=", "<", ">"] where characters[index...].starts(with: Array(op)) {
            index += op.count
            return Threshold.Comparison(rawValue: op)
        }
        return nil
    }

    private func peek() -> Character? { index < characters.count ? characters[index] : nil }

    private mutating func skipSpace() {
        while let c = peek(), c.isWhitespace { index += 1 }
    }

    private func error(_ reason: String) -> Threshold.ParseError {
        Threshold.ParseError(text: text, reason: reason)
    }
}
