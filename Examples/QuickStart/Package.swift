// swift-tools-version: 6.0
import Foundation
import PackageDescription

// A user's package would depend on Switchy by URL. This example sits inside the Switchy
// repository and uses it by path; a path dependency's identity is the name of its folder,
// so it is read off the path rather than written down (checkouts differ).
let switchyPath = "../.."
let switchyIdentity = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()
    .appendingPathComponent(switchyPath)
    .standardizedFileURL
    .lastPathComponent

let package = Package(
    name: "QuickStart",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: switchyPath)
    ],
    targets: [
        .executableTarget(
            name: "QuickStart",
            dependencies: [.product(name: "Switchy", package: switchyIdentity)]
        )
    ],
    swiftLanguageModes: [.v6]
)
