/// The effective profile as a person reads it: JSON5-like text (keys unquoted where
/// they can be), objects and lists on one line when they fit, no blank lines, and a
/// slave's `call` left out where it is the profile's own `call` (every slave repeats it
/// in the effective profile).
enum CompactJSON5 {
    /// Lines are kept within this many columns where a value allows.
    static let width = 96

    /// `json` compacted; the text unchanged if it does not parse.
    static func render(_ json: String) -> String {
        guard var root = try? JSON5.parse(Array(json.utf8)) else { return json }
        root.value = withoutRepeatedCalls(root.value)
        return format(root.value, indent: 0)
    }

    /// The profile with each slave's `call` removed where it equals the top-level one.
    private static func withoutRepeatedCalls(_ value: JSON5.Value) -> JSON5.Value {
        guard case .object(var fields) = value,
            let call = fields.first(where: { $0.key == "call" }).map({ format($0.node.value, indent: 0) }),
            let slavesIndex = fields.firstIndex(where: { $0.key == "slaves" }),
            case .array(var slaves) = fields[slavesIndex].node.value
        else { return value }
        for index in slaves.indices {
            guard case .object(let slaveFields) = slaves[index].value else { continue }
            slaves[index].value = .object(
                slaveFields.filter { $0.key != "call" || format($0.node.value, indent: 0) != call })
        }
        fields[slavesIndex].node.value = .array(slaves)
        return .object(fields)
    }

    private static func format(_ value: JSON5.Value, indent: Int) -> String {
        let inline = oneLine(value)
        if indent + inline.count <= width { return inline }
        let pad = String(repeating: "  ", count: indent + 1)
        let close = String(repeating: "  ", count: indent)
        switch value {
        case .array(let items):
            let lines = items.map { pad + format($0.value, indent: indent + 1) }
            return "[\n" + lines.joined(separator: ",\n") + ",\n" + close + "]"
        case .object(let fields):
            let lines = fields.map { pad + key($0.key) + ": " + format($0.node.value, indent: indent + 1) }
            return "{\n" + lines.joined(separator: ",\n") + ",\n" + close + "}"
        default:
            return inline
        }
    }

    private static func oneLine(_ value: JSON5.Value) -> String {
        switch value {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .number(_, let text): return text
        case .string(let text): return quoted(text)
        case .array(let items):
            return items.isEmpty ? "[]" : "[" + items.map { oneLine($0.value) }.joined(separator: ", ") + "]"
        case .object(let fields):
            return fields.isEmpty
                ? "{}" : "{ " + fields.map { key($0.key) + ": " + oneLine($0.node.value) }.joined(separator: ", ") + " }"
        }
    }

    /// A key bare when it is an identifier (`max_offered`), quoted otherwise.
    private static func key(_ text: String) -> String {
        guard let first = text.unicodeScalars.first, first == "_" || first.properties.isAlphabetic,
            text.unicodeScalars.allSatisfy({ $0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0) })
        else { return quoted(text) }
        return text
    }

    private static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                        + String(scalar.value, radix: 16)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
