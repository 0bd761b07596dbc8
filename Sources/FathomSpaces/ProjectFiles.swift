import Foundation

/// Finds Fathom's data folders (`search-spaces/`, `device-measurements/`, `experiments/`).
///
/// Order: the `FATHOM_HOME` environment variable; then the current directory and the folders above it; then the
/// folders above the running executable (so `.build/release/fathom` finds the checkout it was built in).
public enum ProjectFiles {
    /// The first folder that holds `search-spaces/`, or nil.
    public static func root() -> URL? {
        let fm = FileManager.default
        var candidates: [URL] = []
        if let home = ProcessInfo.processInfo.environment["FATHOM_HOME"], !home.isEmpty {
            candidates.append(URL(fileURLWithPath: home))
        }
        candidates += ancestors(of: URL(fileURLWithPath: fm.currentDirectoryPath))
        candidates += ancestors(of: URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent())
        return candidates.first { fm.fileExists(atPath: $0.appendingPathComponent("search-spaces").path) }
    }

    /// A path inside the project root (`search-spaces`, `device-measurements/help/...`).
    public static func url(_ relativePath: String) throws -> URL {
        guard let root = root() else {
            throw SpaceError.unreadableFile(path: "\(relativePath) (no Fathom checkout found: run inside it or set FATHOM_HOME)")
        }
        return root.appendingPathComponent(relativePath)
    }

    private static func ancestors(of url: URL) -> [URL] {
        var result: [URL] = []
        var current = url.standardizedFileURL
        while true {
            result.append(current)
            let parent = current.deletingLastPathComponent()
            if parent.path == current.path { return result }
            current = parent
        }
    }
}

extension SearchSpace {
    /// The spaces that ship with Fathom, in `search-spaces/<name>.json`.
    public static let builtInNames = ["nasbench201", "fbnet", "ofa-mbv3", "fmnist-cell", "fmnist-mbv3"]

    /// Loads a built-in space by name, or a user's space from a path to its JSON file.
    public static func load(_ nameOrPath: String) throws -> SearchSpace {
        let url: URL
        var shownName = nameOrPath
        if builtInNames.contains(nameOrPath) {
            shownName = "search-spaces/\(nameOrPath).json"
            url = try ProjectFiles.url(shownName)
        } else if nameOrPath.hasSuffix(".json") || nameOrPath.contains("/") {
            url = URL(fileURLWithPath: nameOrPath)
        } else {
            throw SpaceError.unknownSpace(name: nameOrPath, known: builtInNames)
        }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw SpaceError.unreadableFile(path: url.path)
        }
        return try SearchSpace(json: data, file: shownName)
    }
}
