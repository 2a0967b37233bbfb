/// A channel's variables in FreeSWITCH's order: setting a variable that exists moves
/// it to the end (the core deletes the header and adds it again), so the order on the
/// wire follows the order of the last assignments.
///
/// Each variable's `variable_<name>: <value>` line is encoded once, when it is set
/// (or taken ready-made from ``SampleLines``), so building the block for an event is a
/// copy, not an encoding.
struct VariableStore {
    /// `variable_<name>` / value pairs in wire order (shared with the blocks built).
    private var headers: [(name: String, value: String)] = []
    private var lines: [[UInt8]] = []
    private var present: Set<String> = []
    private var cached: HeaderBlock?

    /// The variable names in wire order.
    var names: [String] { headers.map { String($0.name.dropFirst(9)) } }

    subscript(name: String) -> String? {
        guard present.contains(name) else { return nil }
        let header = "variable_" + name
        return headers.last { $0.name == header }?.value
    }

    /// Sets (or moves to the end with a new value) `name`. An empty value deletes it,
    /// as adding an empty header does in FreeSWITCH.
    mutating func set(_ name: String, _ value: String) {
        set(name, value, line: nil, header: nil)
    }

    /// Sets `name` with its encoded line and header name already made.
    mutating func set(_ name: String, _ value: String, line: [UInt8]?, header: String?) {
        let header = header ?? "variable_" + name
        if present.contains(name) {
            if let index = headers.lastIndex(where: { $0.name == header }) {
                headers.remove(at: index)
                lines.remove(at: index)
            }
            if value.isEmpty { present.remove(name) }
        } else if !value.isEmpty {
            present.insert(name)
        }
        if !value.isEmpty {
            headers.append((header, value))
            lines.append(line ?? HeaderBlock.line(header, value))
        }
        cached = nil
    }

    /// Sets each pair in order.
    mutating func set(_ pairs: [(String, String)]) {
        for (name, value) in pairs { set(name, value) }
    }

    /// Sets each variable of `names` to its value in `values` (sample lines reused).
    mutating func set(_ names: [String], from values: SampleOverrides) {
        for name in names {
            let (value, line, header) = values.entry(name)
            set(name, value, line: line, header: header)
        }
    }

    /// The `variable_<name>` headers, assembled once until the next change.
    mutating func block() -> HeaderBlock {
        if let cached { return cached }
        var plain: [UInt8] = []
        plain.reserveCapacity(lines.count * 72)
        for line in lines { plain.append(contentsOf: line) }
        let block = HeaderBlock(headers: headers, plain: plain)
        cached = block
        return block
    }
}
