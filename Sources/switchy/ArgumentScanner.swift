import LoadTest

/// Reads one subcommand's arguments the way every subcommand takes them: options as
/// `--name value` or `--name=value`, flags alone, `-h`/`--help` anywhere, and
/// positionals (`-` is one; `--` ends the options). An option the subcommand does not
/// know is "unknown option", with the closest known one suggested.
struct ArgumentScanner {
    /// A usage error, as one line (the caller adds "see switchy <cmd> --help").
    struct UsageError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// What the next argument is.
    enum Item: Equatable {
        /// `--name` or `--name=value` (then ``value()`` gives the value).
        case option(String)
        /// `-h` or `--help`.
        case help
        case positional(String)
    }

    private let arguments: [String]
    private let options: Set<String>
    private let flags: Set<String>
    private var index = 0
    private var inline: String?
    private var current = ""
    private var optionsEnded = false

    /// - Parameters:
    ///   - options: the names that take a value (`--rate`).
    ///   - flags: the names that take none (`--quiet`, `-q`).
    init(_ arguments: [String], options: [String], flags: [String] = []) {
        self.arguments = arguments
        self.options = Set(options)
        self.flags = Set(flags)
    }

    /// The next argument, nil at the end.
    mutating func next() throws(UsageError) -> Item? {
        if let inline { throw UsageError("\(current) takes no value (got '\(current)=\(inline)')") }
        guard index < arguments.count else { return nil }
        let argument = arguments[index]
        index += 1
        if optionsEnded || argument == "-" || !argument.hasPrefix("-") { return .positional(argument) }
        if argument == "--" {
            optionsEnded = true
            return try next()
        }
        if argument == "-h" || argument == "--help" { return .help }
        let name: String
        if let equals = argument.firstIndex(of: "="), argument.hasPrefix("--") {
            name = String(argument[..<equals])
            inline = String(argument[argument.index(after: equals)...])
        } else {
            name = argument
        }
        current = name
        guard options.contains(name) || flags.contains(name) else {
            inline = nil
            var message = "unknown option '\(name)'"
            let known = (options.union(flags)).filter { $0.hasPrefix("--") }.sorted()
            if let suggestion = Suggestion.closest(to: name, in: known) { message += "; did you mean '\(suggestion)'?" }
            throw UsageError(message)
        }
        if flags.contains(name), let value = inline {
            inline = nil
            throw UsageError("\(name) takes no value (got '\(name)=\(value)')")
        }
        return .option(name)
    }

    /// The value of the option just read: after its `=`, else the next argument.
    mutating func value() throws(UsageError) -> String {
        if let value = inline {
            inline = nil
            return value
        }
        guard index < arguments.count else { throw UsageError("\(current) needs a value") }
        index += 1
        return arguments[index - 1]
    }

    /// Every argument after the current one, as given (a command line to pass on).
    mutating func rest() -> [String] {
        defer { index = arguments.count }
        return Array(arguments[index...])
    }
}
