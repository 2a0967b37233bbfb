import Foundation

extension FileManager {
    /// `folder` when nothing is at its path yet, else the first of `folder-2`,
    /// `folder-3` … beside it that is free: reports never go into another run's folder.
    func freeFolder(_ folder: URL) -> URL {
        var candidate = folder
        var suffix = 2
        while fileExists(atPath: candidate.path) {
            candidate = folder.deletingLastPathComponent().appendingPathComponent("\(folder.lastPathComponent)-\(suffix)")
            suffix += 1
        }
        return candidate
    }
}
