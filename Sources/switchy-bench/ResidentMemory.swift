import Foundation

/// Resident memory of a process, from `/proc/<pid>/status` (`VmRSS`, in kB).
enum ResidentMemory {
    /// This process's resident bytes, or nil where `/proc` is missing.
    static func current() -> Int? { of(path: "/proc/self/status") }

    /// This process's resident bytes after `malloc_trim(0)` has handed the allocator's
    /// free memory back to the system: what is left is memory in use (and the
    /// allocator's unavoidable slack), nil where glibc's `malloc_trim` is missing.
    static func afterTrim() -> Int? {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return nil }
        typealias Trim = @convention(c) (Int) -> Int32
        _ = unsafeBitCast(symbol, to: Trim.self)(0)
        return current()
    }

    /// Another process's resident bytes.
    static func of(pid: Int32) -> Int? { of(path: "/proc/\(pid)/status") }

    private static func of(path: String) -> Int? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let digits = line.dropFirst(6).filter(\.isNumber)
            return Int(digits).map { $0 * 1024 }
        }
        return nil
    }
}
