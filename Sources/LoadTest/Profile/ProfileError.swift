/// Why a profile (or a command-line override of one) was refused.
///
/// The message names the file, the position when known, the field path and what was
/// expected, in the form compilers and editors understand:
///
/// ```
/// profiles/stress.json5:14:18: load.ramp.stages[2].rate: expected a number of calls per second >= 0, got -5
/// ```
///
/// A password is never part of a message: errors about one name its source
/// (`env:LAB_PW`) only.
public struct ProfileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What kind of problem it is (for code that reacts to some of them).
    public enum Kind: String, Equatable, Sendable {
        /// The file could not be read (missing, a directory, unreadable, too large).
        case unreadable
        /// The text is not valid JSON5 (including an empty file and duplicate keys).
        case syntax
        /// A required field is absent.
        case missingField
        /// A key that is not a profile field (probably misspelt).
        case unknownField
        /// A value of the wrong type (a string where a number was expected, …).
        case wrongType
        /// A value of the right type that is out of range or otherwise not allowed.
        case invalidValue
        /// Fields that cannot go together, or one that another one requires.
        case conflict
        /// A password that names an unset environment variable or unreadable file.
        case unresolvedSecret
    }

    /// The profile file as it was named (a path, or `<command line>`).
    public var file: String
    /// 1-based line of the offending value, when known.
    public var line: Int?
    /// 1-based column of the offending value, when known.
    public var column: Int?
    /// The field path, e.g. `load.ramp.stages[2].rate` or `--rate`; empty for the whole file.
    public var path: String
    /// The kind of problem.
    public var kind: Kind
    /// What was expected and what was found, e.g. `expected a whole number >= 1, got 0`.
    public var message: String

    public init(file: String, line: Int? = nil, column: Int? = nil, path: String, kind: Kind, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.path = path
        self.kind = kind
        self.message = message
    }

    public var description: String {
        var location = file
        if let line {
            location += ":\(line)"
            if let column { location += ":\(column)" }
        }
        return path.isEmpty ? "\(location): \(message)" : "\(location): \(path): \(message)"
    }
}
