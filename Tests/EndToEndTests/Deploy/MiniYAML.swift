/// The part of YAML that `deploy/kubernetes/*.yaml` is written in, read strictly enough
/// for the manifest tests: documents split by `---`, block mappings and sequences by
/// indentation, `key: value` scalars (plain, single- or double-quoted), flow sequences of
/// scalars (`["a", "b"]`), `{}`, literal (`|`) and folded (`>-`) blocks, and whole-line
/// comments. Anything else is an error, so a manifest that leaves this subset fails its
/// test instead of being half read.
enum MiniYAML {
    indirect enum Node: Equatable {
        case scalar(String)
        case map([(key: String, value: Node)])
        case list([Node])

        static func == (a: Node, b: Node) -> Bool {
            switch (a, b) {
            case (.scalar(let x), .scalar(let y)): x == y
            case (.list(let x), .list(let y)): x == y
            case (.map(let x), .map(let y)): x.map(\.key) == y.map(\.key) && x.map(\.value) == y.map(\.value)
            default: false
            }
        }

        /// The value at a path of mapping keys and list indexes: `node["spec", "template"]`.
        subscript(_ path: Any...) -> Node? {
            var node: Node? = self
            for step in path {
                switch (node, step) {
                case (.map(let pairs)?, let key as String): node = pairs.first { $0.key == key }?.value
                case (.list(let items)?, let index as Int): node = items.indices.contains(index) ? items[index] : nil
                default: return nil
                }
            }
            return node
        }

        var text: String? { if case .scalar(let value) = self { value } else { nil } }
        var items: [Node] { if case .list(let items) = self { items } else { [] } }
    }

    struct SyntaxError: Error, CustomStringConvertible {
        var line: Int
        var message: String
        var description: String { "line \(line): \(message)" }
    }

    /// The documents of `text`, in order (empty ones, as after a leading comment, left out).
    static func documents(_ text: String) throws -> [Node] {
        var documents: [Node] = []
        var lines: [Line] = []
        for (offset, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if raw == "---" {
                if let document = try document(lines) { documents.append(document) }
                lines = []
            } else {
                lines.append(Line(number: offset + 1, text: String(raw)))
            }
        }
        if let document = try document(lines) { documents.append(document) }
        return documents
    }

    struct Line {
        var number: Int
        var text: String
        var indent: Int { text.prefix { $0 == " " }.count }
        var content: Substring { text.dropFirst(indent) }
        var isBlank: Bool { content.isEmpty || content.hasPrefix("#") }
    }

    private static func document(_ lines: [Line]) throws -> Node? {
        var reader = Reader(lines: lines)
        reader.skipBlank()
        guard let first = reader.peek else { return nil }
        let node = try reader.block(indent: first.indent)
        reader.skipBlank()
        if let extra = reader.peek { throw SyntaxError(line: extra.number, message: "unexpected indentation") }
        return node
    }

    private struct Reader {
        var lines: [Line]
        var index = 0

        var peek: Line? { index < lines.count ? lines[index] : nil }

        mutating func skipBlank() {
            while let line = peek, line.isBlank { index += 1 }
        }

        mutating func block(indent: Int) throws -> Node {
            skipBlank()
            guard let line = peek else { return .map([]) }
            return line.content.hasPrefix("- ") ? try list(indent: indent) : try map(indent: indent)
        }

        mutating func list(indent: Int) throws -> Node {
            var items: [Node] = []
            while true {
                skipBlank()
                guard let line = peek, line.indent == indent, line.content.hasPrefix("- ") else { break }
                let rest = line.content.dropFirst(2)
                if Self.keyValue(rest) != nil {
                    // "- key: value" opens a mapping indented past the dash.
                    lines[index].text = String(repeating: " ", count: indent + 2) + rest
                    items.append(try map(indent: indent + 2))
                } else if rest == "|" || rest == ">-" {
                    index += 1
                    items.append(.scalar(blockScalar(after: indent, folded: rest == ">-")))
                } else {
                    index += 1
                    items.append(try Self.scalar(rest, line: line.number))
                }
            }
            return .list(items)
        }

        mutating func map(indent: Int) throws -> Node {
            var pairs: [(key: String, value: Node)] = []
            while true {
                skipBlank()
                guard let line = peek, line.indent == indent, !line.content.hasPrefix("- ") else { break }
                guard let (key, rest) = Self.keyValue(line.content) else {
                    throw SyntaxError(line: line.number, message: "expected key: value")
                }
                index += 1
                let value: Node
                switch rest {
                case "":
                    skipBlank()
                    if let next = peek, next.indent > indent || (next.indent == indent && next.content.hasPrefix("- ")) {
                        value = try block(indent: next.indent)
                    } else {
                        value = .scalar("")
                    }
                case "|", ">-": value = .scalar(blockScalar(after: indent, folded: rest == ">-"))
                default: value = try Self.scalar(rest, line: line.number)
                }
                pairs.append((key, value))
            }
            return .map(pairs)
        }

        /// The lines more indented than `indent`, less their common indentation: kept as
        /// lines (`|`, ending in a newline) or joined with spaces (`>-`).
        mutating func blockScalar(after indent: Int, folded: Bool) -> String {
            var body: [Line] = []
            while let line = peek, line.content.isEmpty || line.indent > indent {
                body.append(line)
                index += 1
            }
            while body.last?.content.isEmpty == true { body.removeLast() }
            let margin = body.filter { !$0.content.isEmpty }.map(\.indent).min() ?? 0
            let texts = body.map { String($0.text.dropFirst(min(margin, $0.indent))) }
            return folded ? texts.joined(separator: " ") : texts.joined(separator: "\n") + "\n"
        }

        static func keyValue(_ text: Substring) -> (String, Substring)? {
            guard let colon = text.firstIndex(of: ":") else { return nil }
            let key = text[..<colon]
            guard !key.isEmpty, !key.contains(" "), !key.hasPrefix("\""), !key.hasPrefix("[") else { return nil }
            let after = text[text.index(after: colon)...]
            guard after.isEmpty || after.hasPrefix(" ") else { return nil }
            return (String(key), after.drop { $0 == " " })
        }

        static func scalar(_ text: Substring, line: Int) throws -> Node {
            if text == "{}" { return .map([]) }
            if text.hasPrefix("[") {
                guard text.hasSuffix("]") else { throw SyntaxError(line: line, message: "unclosed [") }
                let inner = text.dropFirst().dropLast()
                if inner.allSatisfy({ $0 == " " }) { return .list([]) }
                return .list(try inner.split(separator: ",").map { try scalar($0.drop { $0 == " " }, line: line) })
            }
            if let quote = text.first, quote == "\"" || quote == "'" {
                guard text.count >= 2, text.last == quote else { throw SyntaxError(line: line, message: "unclosed quote") }
                return .scalar(String(text.dropFirst().dropLast()))
            }
            if text.contains(" #") { throw SyntaxError(line: line, message: "trailing comments are not read here") }
            return .scalar(String(text))
        }
    }
}
