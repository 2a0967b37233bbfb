#if canImport(Glibc)
import Glibc
#endif

/// The `switchy` command: parses arguments, runs one subcommand, maps the outcome to
/// an exit code. Everything else lives in the library targets.
@main
struct SwitchyCommand {
    static let version = "0.1.0"

    static let usage = """
        switchy — a call-load generator for FreeSWITCH

        USAGE: switchy <subcommand> [options]

        SUBCOMMANDS:
          api HOST[:PORT] COMMAND...   Run one api command on a FreeSWITCH and print its output
                                       (like `fs_cli -x`).
          run PROFILE [overrides]      Run a load scenario and write its reports under results/.
          check PROFILE [overrides]    Validate a profile and print the effective scenario.
          events HOST[:PORT] [EVENT...]  Print a FreeSWITCH's events as they come (--stats: rates only).
          sim [options]                Run simulated FreeSWITCH slaves (an ESL server each)
                                       until Ctrl-C, to try profiles and clients against.
          report RUN_FOLDER... [--out DIR]
                                       Re-render a run's reports, or merge several runs.

        OPTIONS:
          -h, --help                   Show help (also after a subcommand).
          --version                    Show the version.

        EXIT CODES:
          0 success; 1 a threshold failed (run) or the command answered -ERR (api);
          2 bad usage, profile or results folder; 3 could not connect or authenticate;
          4 interrupted (run); 70 internal error.
        """

    static func main() async {
        var arguments = Array(CommandLine.arguments.dropFirst())
        guard let first = arguments.first else {
            Output.error(usage)
            exit(ExitCode.usage.rawValue)
        }
        arguments.removeFirst()
        let code: ExitCode
        switch first {
        case "-h", "--help", "help":
            Output.print(usage)
            code = .success
        case "--version":
            Output.print("switchy \(version)")
            code = .success
        case "api":
            code = await ApiCommand.run(arguments)
        case "check":
            code = await CheckCommand.run(arguments)
        case "sim":
            code = await SimCommand.run(arguments)
        case "run":
            code = await RunCommand.run(arguments)
        case "events":
            code = await EventsCommand.run(arguments)
        case "report":
            code = await ReportCommand.run(arguments)
        default:
            Output.error("switchy: unknown subcommand '\(first)' (see switchy --help)")
            code = .usage
        }
        exit(code.rawValue)
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
