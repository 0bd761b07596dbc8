import FathomSpaces
import Foundation

extension ArchitectureSpec {
    /// Reads the `space` and `arch` keys of a JSON file, such as an exported spec (`DIR/exported/NAME.json`) or a
    /// line of `fathom spaces sample`; other keys are ignored. Errors name the file and the key.
    public static func load(contentsOf path: String) throws -> ArchitectureSpec {
        guard let data = FileManager.default.contents(atPath: path) else { throw SpaceError.unreadableFile(path: path) }
        let reader = try JSONObjectReader(try JSONValue.parse(data, file: path), file: path)
        return ArchitectureSpec(space: try reader.string("space"), arch: try reader.string("arch"))
    }
}
