import Foundation

extension Profile {
    /// A password, resolved when the profile is loaded, that never shows itself.
    ///
    /// `description`, `debugDescription`, `dump` and string interpolation all give the
    /// password's *source* (`env:LAB_PW`, `file:/etc/lab.pw`, `literal`), never the
    /// value; only ``value`` reveals it, for the code that authenticates.
    public struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible,
        CustomReflectable
    {
        /// Where the value came from.
        public enum Source: Sendable, Equatable {
            /// Written in the profile (or given on the command line).
            case literal
            /// `env:VAR`.
            case environment(String)
            /// `file:PATH` (the whole file, less trailing line breaks).
            case file(String)
            /// No password given: FreeSWITCH's default, `ClueCon`.
            case freeswitchDefault
        }

        /// Where the value came from (safe to show).
        public let source: Source
        /// The password itself. Only for authenticating; never print or log it.
        public let value: String

        public init(_ value: String, source: Source) {
            self.value = value
            self.source = source
        }

        /// FreeSWITCH's out-of-the-box Event Socket password.
        public static let clueCon = Secret("ClueCon", source: .freeswitchDefault)

        public var description: String {
            switch source {
            case .literal: "literal"
            case .environment(let name): "env:\(name)"
            case .file(let path): "file:\(path)"
            case .freeswitchDefault: "default"
            }
        }

        public var debugDescription: String { "Secret(\(description))" }

        public var customMirror: Mirror { Mirror(self, children: ["source": description], displayStyle: .struct) }

        /// Resolves `text` as written in a profile: `env:VAR`, `file:PATH` (relative to
        /// `baseDirectory`) or a literal password.
        static func resolve(_ field: ProfileReader.Field) throws(ProfileError) -> Secret {
            // Never `field.got`: a mistyped password must not be echoed.
            guard case .string(let text) = field.node.value, !text.isEmpty else {
                throw field.error(.wrongType, "expected a password string, \"env:VAR\" or \"file:PATH\" (quote it)")
            }
            let reader = field.reader
            if text.hasPrefix("env:") {
                let name = String(text.dropFirst(4))
                guard !name.isEmpty else { throw field.error(.invalidValue, "expected env:VAR with a variable name") }
                guard reader.resolvesSecrets else { return Secret("", source: .environment(name)) }
                guard let value = reader.environment[name] else {
                    throw field.error(
                        .unresolvedSecret, "environment variable \(name) is not set (export it, or change env:\(name))")
                }
                return Secret(value, source: .environment(name))
            }
            if text.hasPrefix("file:") {
                let path = String(text.dropFirst(5))
                guard !path.isEmpty else { throw field.error(.invalidValue, "expected file:PATH with a path") }
                guard reader.resolvesSecrets else { return Secret("", source: .file(path)) }
                let full = path.hasPrefix("/") ? path : (reader.baseDirectory as NSString).appendingPathComponent(path)
                guard let data = FileManager.default.contents(atPath: full), data.count <= 4096 else {
                    throw field.error(
                        .unresolvedSecret, "cannot read the password file \(full) (missing, unreadable or over 4 KiB)")
                }
                var value = String(decoding: data, as: UTF8.self)
                while value.last?.isNewline == true { value.removeLast() }
                guard !value.isEmpty else { throw field.error(.unresolvedSecret, "the password file \(full) is empty") }
                return Secret(value, source: .file(path))
            }
            return Secret(text, source: .literal)
        }
    }
}
