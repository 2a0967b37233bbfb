#if canImport(Glibc)
import Glibc
#endif
import LoadTest

/// The `switchy` command: parses arguments, runs one subcommand, maps the outcome to
/// an exit code. Everything else lives in the library targets.
@main
struct SwitchyCommand {
    static let version = "0.1.0"

    static let usage = """
        switchy — a call-load generator for FreeSWITCH

        USAGE: switchy <subcommand> [options]

        SUBCOMMANDS:
          run PROFILE [options]      Run a load scenario; reports under results/.
          check PROFILE [options]    Validate a profile, print the effective scenario.
          report RUN_FOLDER...       Re-render a run's reports, or merge several runs.
          api HOST[:PORT] COMMAND... Run one api command on a FreeSWITCH and print its
                                     output (like `fs_cli -x`).
          events HOST[:PORT] [EVENT...]
                                     Print a FreeSWITCH's events as they come.
          sim [options]              Run simulated FreeSWITCH slaves until Ctrl-C.
          help [SUBCOMMAND]          Show this help, or a subcommand's.
          version                    Show the version.

        OPTIONS:
          -h, --help                 Show help (also after a subcommand).
          -V, --version              Show the version.

        EXIT CODES:
          0 success; 1 a threshold failed (run) or the command answered -ERR (api);
          2 bad usage, profile or results folder; 3 could not connect or
          authenticate; 4 interrupted (run); 70 internal error.
        """

    /// Each subcommand and what runs it.
    static let subcommands: [(name: String, run: @Sendable ([String]) async -> ExitCode)] = [
        ("run", RunCommand.run), ("check", CheckCommand.run), ("report", ReportCommand.run), ("api", ApiCommand.run),
        ("events", EventsCommand.run), ("sim", SimCommand.run),
    ]

    static func main() async {
        exit(await run(Array(CommandLine.arguments.dropFirst())).rawValue)
    }

    /// Runs the command line `arguments` (without the program name).
    static func run(_ arguments: [String]) async -> ExitCode {
        guard let first = arguments.first else {
            Output.error(usage)
            return .usage
        }
        let rest = Array(arguments.dropFirst())
        switch first {
        case "-h", "--help":
            Output.print(usage)
            return .success
        case "help":
            guard let name = rest.first else {
                Output.print(usage)
                return .success
            }
            guard subcommands.contains(where: { $0.name == name }) else { return unknown(name) }
            return await run([name, "--help"])
        case "--version", "-V", "version":
            Output.print("switchy \(version)")
            return .success
        default:
            guard let subcommand = subcommands.first(where: { $0.name == first }) else { return unknown(first) }
            return await subcommand.run(rest)
        }
    }

    private static func unknown(_ name: String) -> ExitCode {
        var message = name.hasPrefix("-") ? "switchy: unknown option '\(name)'" : "switchy: unknown subcommand '\(name)'"
        if let suggestion = Suggestion.closest(to: name, in: subcommands.map(\.name) + ["help", "version"]) {
            message += "; did you mean '\(suggestion)'?"
        }
        Output.error(message + " (see switchy --help)")
        return .usage
    }
}

/// The documented exit codes (ARCHITECTURE.md, "CLI").
enum ExitCode: Int32 {
    case success = 0
    case commandFailed = 1
    case usage = 2
    case unreachable = 3
    case interrupted = 4
    case internalError = 70
}

/// Writes to stdout and stderr (only the executable prints).
enum Output {
    /// Writes a line to stdout.
    static func print(_ text: String) {
        write(text.hasSuffix("\n") ? text : text + "\n")
    }

    /// Writes `text` to stdout exactly as given.
    static func write(_ text: String) {
        writeAll(1, text)
    }

    /// Writes `text` to stderr exactly as given.
    static func writeError(_ text: String) {
        writeAll(2, text)
    }

    /// Writes a line to stderr.
    static func error(_ text: String) {
        writeAll(2, text.hasSuffix("\n") ? text : text + "\n")
    }

    private static func writeAll(_ fd: Int32, _ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            bytes = bytes.dropFirst(written)
        }
    }
}
