// Writes a site's image project (from CvmSite) as an MSBuild project that imports the running CcImage SDK's
// Sdk.props/Sdk.targets directly, so MSBuild builds each confidential site of a project.yml with the ordinary targets
// and their incrementality. The file is rewritten only when its text changes (its time then tells MSBuild nothing changed).
using System.Xml.Linq;
using CcImage.Core.Config;
using CcImage.Core.Pipeline;

namespace CcImage.Core.Provisioning;

public static class SiteProjectWriter
{
    /// <summary>Writes <paramref name="project"/> to its ProjectPath; returns whether the file changed.</summary>
    /// <param name="sdkDirectory">The SDK package folder (holding Sdk/Sdk.props).</param>
    /// <param name="extraProperties">Properties of the generated project beyond the settings (e.g. the site's name).</param>
    /// <param name="skipPackages">CcPackage items the SDK adds by itself (CcIncludeDefaultPackages), left out.</param>
    public static bool Write(ImageProject project, string sdkDirectory, IReadOnlyDictionary<string, string> extraProperties,
        IReadOnlyCollection<string> skipPackages, string comment)
    {
        string sdk = Path.GetFullPath(sdkDirectory).TrimEnd('/') + "/";
        var properties = new XElement("PropertyGroup");
        foreach (var setting in SettingsTable.All)
            if (project.Settings.Optional(setting.Name) is { } value && value != setting.Default)
                properties.Add(new XElement(setting.Name, value));
        foreach (var (name, value) in extraProperties.OrderBy(p => p.Key, StringComparer.Ordinal))
            properties.Add(new XElement(name, value));
        var items = new XElement("ItemGroup");
        foreach (string type in ImageProject.ItemTypes)
            foreach (var item in project.ItemsOf(type))
            {
                if (type == "CcPackage" && skipPackages.Contains(item.Include))
                    continue;
                var element = new XElement(type, new XAttribute("Include", item.Include));
                foreach (var (name, value) in item.Metadata.OrderBy(m => m.Key, StringComparer.Ordinal))
                    element.Add(new XAttribute(name, value));
                items.Add(element);
            }
        var document = new XDocument(new XElement("Project",
            new XComment(" " + comment + " "),
            new XElement("Import", new XAttribute("Project", sdk + "Sdk/Sdk.props")),
            properties,
            items,
            new XElement("Import", new XAttribute("Project", sdk + "Sdk/Sdk.targets"))));
        string text = document.ToString() + "\n";
        if (File.Exists(project.ProjectPath) && File.ReadAllText(project.ProjectPath) == text)
            return false;
        Directory.CreateDirectory(Path.GetDirectoryName(project.ProjectPath)!);
        Caching.AtomicFile.WriteAllText(project.ProjectPath, text);
        return true;
    }
}
