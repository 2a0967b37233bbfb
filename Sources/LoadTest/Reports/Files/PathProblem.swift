import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Plain words for why a file or folder could not be written or read: never
/// Foundation's "The operation could not be completed. (NSCocoaErrorDomain error 512.)".
public enum PathProblem {
    /// Why runs could not put their folders under `base` (a results folder such as
    /// `report.dir`), when it can be told without writing: a file is in the way.
    public static func resultsFolder(_ base: String) -> String? {
        fileInTheWay(of: URL(fileURLWithPath: base).appendingPathComponent("run")).map { "\($0) is a file, not a folder" }
    }

    /// What stands in the way at `url`: a file where a folder must be, or the system's
    /// own words for the error (permission denied, no space left on device …).
    static func describe(_ error: any Error, at url: URL) -> String {
        if let file = fileInTheWay(of: url) { return "\(file) is a file, not a folder" }
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code))).lowercased()
        }
        if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(ns.code))).lowercased() }
        switch CocoaError.Code(rawValue: ns.code) {
        case .fileNoSuchFile, .fileReadNoSuchFile: return "no such file or folder"
        case .fileReadNoPermission, .fileWriteNoPermission: return "permission denied"
        case .fileWriteOutOfSpace: return "no space left on device"
        case .fileWriteVolumeReadOnly: return "read-only file system"
        case .fileWriteFileExists: return "something is already there"
        default: return "the system refused (\(ns.domain) \(ns.code))"
        }
    }

    /// The nearest existing folder above `url` when it is a regular file rather than a
    /// folder (so nothing can be created under it).
    static func fileInTheWay(of url: URL) -> String? {
        var candidate = url.standardizedFileURL.deletingLastPathComponent()
        while true {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isFolder) {
                return isFolder.boolValue ? nil : candidate.path
            }
            let parent = candidate.deletingLastPathComponent()
            if parent.path == candidate.path { return nil }
            candidate = parent
        }
    }
}
