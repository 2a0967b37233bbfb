/// A channel's variables in FreeSWITCH's order: setting a variable that exists moves
/// it to the end (the core deletes the header and adds it again), so the order on the
/// wire follows the order of the last assignments.
///
/// The store keeps the `variable_<name>: <value>` lines already encoded, back to back
/// in one buffer (sample values come ready-made from ``SampleLines``), so the block for
/// an event is that buffer shared, not a copy or an encoding. A call sets some 200
/// variables and fires a dozen events that carry them: one buffer, a dictionary for
/// lookups and a small entry per variable replace the per-variable arrays, header
/// tuples and set that each had to be allocated, hashed and copied.
struct VariableStore {
    private struct Entry {
        var name: String
        /// Bytes of its line in `plain`.
        var length: Int
        /// False when its line does not decode back to the raw value.
        var reversible: Bool
    }

    /// Variables in wire order.
    private var entries: [Entry] = []
    /// Their encoded lines, in the same order.
    private var plain: [UInt8] = []
    /// Raw values, by name.
    private var values: [String: String] = [:]
    /// How many entries' lines do not decode back (their blocks keep raw headers).
    private var irreversible = 0
    private var cached: HeaderBlock?

    /// The variable names in wire order.
    var names: [String] { entries.map(\.name) }

    subscript(name: String) -> String? { values[name] }

    /// Sets (or moves to the end with a new value) `name`. An empty value deletes it,
    /// as adding an empty header does in FreeSWITCH.
    mutating func set(_ name: String, _ value: String) {
        set(name, value, line: nil)
    }

    /// Sets `name` with its encoded line already made (one that decodes back exactly).
    mutating func set(_ name: String, _ value: String, line: [UInt8]?) {
        cached = nil
        guard !value.isEmpty else {
            if values.removeValue(forKey: name) != nil { removeEntry(name) }
            return
        }
        // One hash for the lookup and the store: this runs ~200 times per call.
        if values.updateValue(value, forKey: name) != nil { removeEntry(name) }
        let before = plain.count
        var reversible = true
        if let line {
            plain += line
        } else {
            plain += Self.prefix
            reversible = HeaderBlock.append(name, value, to: &plain)
        }
        entries.append(Entry(name: name, length: plain.count - before, reversible: reversible))
        if !reversible { irreversible += 1 }
    }

    /// Drops `name`'s entry and line (it exists; `values` is up to date already).
    private mutating func removeEntry(_ name: String) {
        guard let index = entries.lastIndex(where: { $0.name == name }) else { return }
        var offset = 0
        for entry in entries[..<index] { offset += entry.length }
        let entry = entries.remove(at: index)
        plain.removeSubrange(offset..<offset + entry.length)
        if !entry.reversible { irreversible -= 1 }
    }

    /// Sets each pair in order.
    mutating func set(_ pairs: [(String, String)]) {
        for (name, value) in pairs { set(name, value) }
    }

    /// Sets each variable of `names` to its value in `values` (sample lines reused).
    mutating func set(_ names: [String], from values: SampleOverrides) {
        for name in names {
            let (value, line) = values.entry(name)
            set(name, value, line: line)
        }
    }

    /// The `variable_<name>` headers, shared until the next change.
    mutating func block() -> HeaderBlock {
        if let cached { return cached }
        let raw = irreversible == 0 ? nil : entries.map { ("variable_" + $0.name, values[$0.name] ?? "") }
        let block = HeaderBlock(plain: plain, raw: raw)
        cached = block
        return block
    }

    /// `variable_`, the start of every line (the name follows it directly).
    private static let prefix = Array("variable_".utf8)
}
