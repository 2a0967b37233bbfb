import ESL

/// Walks a parsed JSON5 tree, turning each value into a typed field or a
/// ``ProfileError`` that names the file, position, field path and expectation.
struct ProfileReader: Sendable {
    /// The file name used in messages.
    let file: String
    /// Environment for `env:` passwords.
    let environment: [String: String]
    /// Directory that relative `file:` passwords are read from (the profile's own).
    let baseDirectory: String
    /// Whether `env:`/`file:` passwords are looked up (not when `--slave` replaces the
    /// slaves that need them); when not, their values are empty.
    var resolvesSecrets = true

    /// One value at a field path.
    struct Field {
        let reader: ProfileReader
        let node: JSON5.Node
        let path: String

        func error(_ kind: ProfileError.Kind, _ message: String) -> ProfileError {
            ProfileError(file: reader.file, line: node.line, column: node.column, path: path, kind: kind, message: message)
        }

        /// `got …` for messages: the value as written, or its type for containers.
        var got: String {
            switch node.value {
            case .null: "got null"
            case .bool(let value): "got \(value)"
            case .number(_, let text): "got \(text)"
            case .string(let text): "got the string \"\(text.count > 40 ? text.prefix(40) + "…" : text)\""
            case .array: "got a list"
            case .object: "got an object"
            }
        }

        func string(_ expectation: String = "a non-empty string") throws(ProfileError) -> String {
            guard case .string(let text) = node.value else { throw error(.wrongType, "expected \(expectation), \(got)") }
            guard !text.isEmpty else { throw error(.invalidValue, "expected \(expectation), got an empty string") }
            return text
        }

        func bool() throws(ProfileError) -> Bool {
            guard case .bool(let value) = node.value else { throw error(.wrongType, "expected true or false, \(got)") }
            return value
        }

        func number(_ rule: NumberRule) throws(ProfileError) -> Double {
            guard case .number(let value, _) = node.value else {
                throw error(.wrongType, "expected \(rule.expectation), \(got)")
            }
            if let problem = rule.problem(value) { throw error(.invalidValue, "expected \(rule.expectation), got \(problem)") }
            return value
        }

        func integer(_ rule: IntegerRule) throws(ProfileError) -> Int {
            guard case .number(let value, _) = node.value else {
                throw error(.wrongType, "expected \(rule.expectation), \(got)")
            }
            switch rule.check(value) {
            case .success(let integer): return integer
            case .failure(let problem): throw error(.invalidValue, "expected \(rule.expectation), got \(problem.text)")
            }
        }

        func array(_ expectation: String) throws(ProfileError) -> [Field] {
            guard case .array(let nodes) = node.value else { throw error(.wrongType, "expected \(expectation), \(got)") }
            return nodes.enumerated().map { Field(reader: reader, node: $1, path: "\(path)[\($0)]") }
        }

        func object(_ expectation: String, keys: [String]) throws(ProfileError) -> Object {
            guard case .object(let members) = node.value else {
                throw error(.wrongType, "expected \(expectation), \(got)")
            }
            for (key, member) in members where !keys.contains(key) {
                let field = Field(reader: reader, node: member, path: Object.join(path, key))
                var message = "unknown field '\(key)'"
                if let suggestion = Suggestion.closest(to: key, in: keys) {
                    message += "; did you mean '\(suggestion)'?"
                } else {
                    message += "; expected one of: \(keys.joined(separator: ", "))"
                }
                throw field.error(.unknownField, message)
            }
            return Object(field: self, members: members)
        }

        /// An object whose keys are free (variables, app args, faults), in order.
        func members(_ expectation: String) throws(ProfileError) -> [(key: String, field: Field)] {
            guard case .object(let members) = node.value else {
                throw error(.wrongType, "expected \(expectation), \(got)")
            }
            return members.map { ($0.key, Field(reader: reader, node: $0.node, path: Object.join(path, $0.key))) }
        }

        /// The value as a ``Profile/Value`` (for open-ended fields).
        var value: Profile.Value { Self.convert(node) }

        private static func convert(_ node: JSON5.Node) -> Profile.Value {
            switch node.value {
            case .null: .null
            case .bool(let value): .bool(value)
            case .number(let value, _): .number(value)
            case .string(let value): .string(value)
            case .array(let nodes): .array(nodes.map(convert))
            case .object(let members): .object(Dictionary(members.map { ($0.key, convert($0.node)) }) { $1 })
            }
        }
    }

    /// An object whose keys were checked against the allowed ones.
    struct Object {
        let field: Field
        let members: [(key: String, node: JSON5.Node)]

        static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

        func contains(_ key: String) -> Bool { members.contains { $0.key == key } }

        /// The field `key`, or nil when absent (`null` counts as absent).
        func optional(_ key: String) -> Field? {
            guard let member = members.first(where: { $0.key == key }) else { return nil }
            if case .null = member.node.value { return nil }
            return Field(reader: field.reader, node: member.node, path: Self.join(field.path, key))
        }

        func required(_ key: String, _ expectation: String) throws(ProfileError) -> Field {
            guard let value = optional(key) else {
                throw ProfileError(
                    file: field.reader.file, line: field.node.line, column: field.node.column,
                    path: Self.join(field.path, key), kind: .missingField, message: "missing; expected \(expectation)")
            }
            return value
        }

        /// An error about the object itself (fields that conflict, a missing choice).
        func error(_ kind: ProfileError.Kind, path: String? = nil, _ message: String) -> ProfileError {
            ProfileError(
                file: field.reader.file, line: field.node.line, column: field.node.column,
                path: path ?? field.path, kind: kind, message: message)
        }
    }
}

/// A rule for a number field: what is expected, in words, and the check.
struct NumberRule: Sendable {
    var expectation: String
    var range: ClosedRange<Double>
    var excludesLowerBound = false

    /// Nil when `value` is acceptable, else how to show it in "got …".
    func problem(_ value: Double) -> String? {
        guard value.isFinite, range.contains(value), !(excludesLowerBound && value == range.lowerBound) else {
            return Self.show(value)
        }
        return nil
    }

    /// A number as a message shows it: `-5`, `2.5`, `1e+30`, `Infinity`.
    static func show(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "NaN" : "\(value < 0 ? "-" : "")Infinity" }
        return format(value)
    }

    static func format(_ value: Double) -> String { value.compactText }

    static func seconds(_ what: String, minimum: Double = 0, exclusive: Bool = false) -> NumberRule {
        NumberRule(
            expectation: "\(what) in seconds \(exclusive ? ">" : ">=") \(format(minimum)) (at most 604800, a week)",
            range: minimum...604_800, excludesLowerBound: exclusive)
    }
}

/// A rule for a whole-number field.
struct IntegerRule: Sendable {
    var expectation: String
    var range: ClosedRange<Int>

    struct Problem: Error { var text: String }

    init(_ what: String, _ range: ClosedRange<Int>) {
        self.expectation = "\(what), a whole number from \(range.lowerBound) to \(range.upperBound)"
        self.range = range
    }

    func check(_ value: Double) -> Result<Int, Problem> {
        guard value.isFinite, value == value.rounded(), abs(value) < 1e15, range.contains(Int(value)) else {
            return .failure(Problem(text: NumberRule.show(value)))
        }
        return .success(Int(value))
    }
}

/// "Did you mean" for misspelt keys, names and command-line options.
public enum Suggestion {
    /// The candidate within a small edit distance of `word` (case-insensitive), if any.
    public static func closest(to word: String, in candidates: [String]) -> String? {
        let lowered = Array(word.lowercased())
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let distance = editDistance(lowered, Array(candidate.lowercased()))
            let allowed = max(1, min(3, candidate.count / 3))
            if distance <= allowed, distance < (best?.distance ?? .max) { best = (candidate, distance) }
        }
        return best?.candidate
    }

    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
