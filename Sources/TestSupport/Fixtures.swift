public import Foundation

/// The real FreeSWITCH 1.10.12 captures, copied unchanged from
/// `shared/fixtures/esl-freeswitch` (see the README beside them).
public enum Fixtures {
    /// The folder holding the `.raw` and `.sent.txt` files.
    public static var directory: URL {
        Bundle.module.url(forResource: "esl-freeswitch", withExtension: nil)!
    }

    /// Names of every capture, without extension, in order (`01-auth-api`, …).
    public static var names: [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.filter { $0.hasSuffix(".raw") }.map { String($0.dropLast(4)) }.sorted()
    }

    /// The bytes of `<name>.raw`; `name` may be the full name or its two-digit prefix.
    public static func raw(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: directory.appendingPathComponent(fullName(name) + ".raw")))
    }

    /// The text of `<name>.sent.txt`.
    public static func sent(_ name: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent(fullName(name) + ".sent.txt"), encoding: .utf8)
    }

    /// Resolves a two-digit prefix (`"06"`) to the capture's full name.
    public static func fullName(_ name: String) -> String {
        if name.count > 2 { return name }
        return names.first { $0.hasPrefix(name + "-") } ?? name
    }
}
