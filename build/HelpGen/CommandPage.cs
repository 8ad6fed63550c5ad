using System.Text.RegularExpressions;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace HelpGen;

public sealed record SyntaxItem(string ParameterSet, bool IsDefault, string Code, IReadOnlyList<string> Parameters);

/// <summary>One ```yaml block of a parameter: its attributes in the parameter sets it names.</summary>
public sealed record ParameterAttributes(
    string Type, IReadOnlyList<string> ParameterSets, IReadOnlyList<string> Aliases, IReadOnlyList<string> AcceptedValues,
    bool Required, string Position, string DefaultValue, string PipelineInput, bool Globbing)
{
    public bool AppliesTo(string set) => ParameterSets.Contains("(All)") || ParameterSets.Contains(set, StringComparer.OrdinalIgnoreCase);

    public bool IsSwitch => Type is "SwitchParameter" or "System.Management.Automation.SwitchParameter";
}

public sealed record Parameter(string Name, IReadOnlyList<string> Description, IReadOnlyList<ParameterAttributes> Attributes)
{
    /// <summary>The attributes for a parameter set, else the first block (the parameter's own view, for PARAMETERS).</summary>
    public ParameterAttributes For(string? set) => (set == null ? null : Attributes.FirstOrDefault(a => a.AppliesTo(set))) ?? Attributes[0];
}

public sealed record Example(string Title, string Code, IReadOnlyList<string> Remarks);

public sealed record TypeEntry(string Name, IReadOnlyList<string> Description);

public sealed record RelatedLink(string Text, string Uri);

/// <summary>A platyPS (schema 2.0.0) command page.</summary>
public sealed class CommandPage
{
    public static readonly string[] SectionOrder =
        { "SYNOPSIS", "SYNTAX", "DESCRIPTION", "EXAMPLES", "PARAMETERS", "INPUTS", "OUTPUTS", "NOTES", "RELATED LINKS" };

    private static readonly string[] YamlKeys =
        { "Type", "Parameter Sets", "Aliases", "Accepted values", "Required", "Position", "Default value", "Accept pipeline input", "Accept wildcard characters", "Applicable" };

    private static readonly string[] RequiredYamlKeys =
        { "Type", "Parameter Sets", "Aliases", "Required", "Position", "Default value", "Accept pipeline input", "Accept wildcard characters" };

    private static readonly Regex ExampleTitle = new(@"^Example\s+\d+(:|$)", RegexOptions.IgnoreCase);
    private static readonly Regex SyntaxParameter = new(@"(?<=[\s\[])-(?<name>[A-Za-z][A-Za-z0-9_]*)\b");
    private static readonly Regex PipelineInput = new(@"^(False|True \((ByValue|ByPropertyName|ByValue, ByPropertyName)\))$");

    public required string File { get; init; }
    public required string Name { get; init; }
    public required string ExternalHelpFile { get; init; }
    public string? OnlineVersion { get; init; }
    public required IReadOnlyList<string> Synopsis { get; init; }
    public required IReadOnlyList<SyntaxItem> Syntax { get; init; }
    public required IReadOnlyList<string> Description { get; init; }
    public required IReadOnlyList<Example> Examples { get; init; }
    public required IReadOnlyList<Parameter> Parameters { get; init; }
    public required IReadOnlyList<TypeEntry> Inputs { get; init; }
    public required IReadOnlyList<TypeEntry> Outputs { get; init; }
    public required IReadOnlyList<string> Notes { get; init; }
    public required IReadOnlyList<RelatedLink> Links { get; init; }

    public string Verb => Name.Contains('-') ? Name.Substring(0, Name.IndexOf('-')) : Name;

    public string Noun => Name.Contains('-') ? Name.Substring(Name.IndexOf('-') + 1) : "";

    public static CommandPage Parse(PageReader page)
    {
        var front = page.FrontMatter() ?? throw page.Fail(1, "the page has no YAML front matter (external help file, Module Name, online version, schema)");
        string helpFile = Required(page, front, "external help file");
        Required(page, front, "Module Name");
        if (!front.ContainsKey("online version")) throw page.Fail(1, "the front matter has no 'online version:' key (it may be empty)");
        if (Required(page, front, "schema") != "2.0.0") throw page.Fail(1, "the front matter's schema must be 2.0.0");
        if (!helpFile.EndsWith("-Help.xml", StringComparison.OrdinalIgnoreCase) || helpFile.IndexOfAny(new[] { '/', '\\' }) >= 0)
            throw page.Fail(1, $"'external help file: {helpFile}' must be a file name ending in -Help.xml");

        string name = page.Title();
        if (!string.Equals(name, page.FileBaseName, StringComparison.Ordinal))
            throw page.Fail(1, $"the page '{page.FileBaseName}.md' is titled '# {name}'; the title must be the file name");

        var sections = page.Sections();
        CheckSections(page, sections, SectionOrder);
        Section Get(string title) => sections.First(s => s.Title == title);

        var synopsis = page.Paragraphs(Get("SYNOPSIS").Blocks);
        if (synopsis.Count == 0) throw page.Fail(Get("SYNOPSIS").Heading, "SYNOPSIS is empty");
        var description = page.Paragraphs(Get("DESCRIPTION").Blocks);
        if (description.Count == 0) throw page.Fail(Get("DESCRIPTION").Heading, "DESCRIPTION is empty");

        var parameters = ParseParameters(page, Get("PARAMETERS"));
        var syntax = ParseSyntax(page, Get("SYNTAX"), name, parameters);

        return new CommandPage
        {
            File = page.File,
            Name = name,
            ExternalHelpFile = helpFile,
            OnlineVersion = front.GetValueOrDefault("online version"),
            Synopsis = synopsis,
            Syntax = syntax,
            Description = description,
            Examples = ParseExamples(page, Get("EXAMPLES")),
            Parameters = parameters,
            Inputs = ParseTypes(page, Get("INPUTS")),
            Outputs = ParseTypes(page, Get("OUTPUTS")),
            Notes = page.Paragraphs(Get("NOTES").Blocks),
            Links = ParseLinks(page, Get("RELATED LINKS")),
        };
    }

    private static string Required(PageReader page, Dictionary<string, string?> front, string key)
    {
        if (!front.TryGetValue(key, out string? value) || string.IsNullOrWhiteSpace(value))
            throw page.Fail(1, $"the front matter has no '{key}:' value");
        return value.Trim();
    }

    /// <summary>Every section present, once, in the platyPS order, and no other.</summary>
    public static void CheckSections(PageReader page, List<Section> sections, IReadOnlyList<string> order)
    {
        foreach (var s in sections)
            if (!order.Contains(s.Title, StringComparer.Ordinal))
                throw page.Fail(s.Heading, $"unknown section '## {s.Title}' (expected: {string.Join(", ", order)}; titles are upper case)");
        foreach (var dup in sections.GroupBy(s => s.Title).Where(g => g.Count() > 1))
            throw page.Fail(dup.Skip(1).First().Heading, $"the section '## {dup.Key}' appears twice");
        var missing = order.Where(t => sections.All(s => s.Title != t)).ToList();
        if (missing.Count > 0) throw page.Fail(1, $"missing section(s): {string.Join(", ", missing.Select(m => "## " + m))}");
        for (int i = 1; i < sections.Count; i++)
            if (Array.IndexOf(order.ToArray(), sections[i].Title) < Array.IndexOf(order.ToArray(), sections[i - 1].Title))
                throw page.Fail(sections[i].Heading, $"'## {sections[i].Title}' must come before '## {sections[i - 1].Title}'");
    }

    private static List<SyntaxItem> ParseSyntax(PageReader page, Section section, string name, IReadOnlyList<Parameter> parameters)
    {
        var items = new List<SyntaxItem>();
        HeadingBlock? setHeading = null;
        foreach (var block in section.Blocks)
        {
            switch (block)
            {
                case HeadingBlock { Level: 3 } h:
                    if (setHeading != null) throw page.Fail(setHeading, $"the parameter set heading '### {PageReader.HeadingText(setHeading)}' has no ``` block");
                    setHeading = h;
                    break;
                case FencedCodeBlock code:
                    string text = PageReader.CodeText(code).Trim();
                    if (!text.StartsWith(name + " ", StringComparison.Ordinal) && text != name)
                        throw page.Fail(code, $"the SYNTAX block must start with the command name '{name}'");
                    string set = "__AllParameterSets";
                    bool isDefault = false;
                    if (setHeading != null)
                    {
                        set = PageReader.HeadingText(setHeading);
                        if (set.EndsWith(" (Default)", StringComparison.Ordinal))
                        {
                            set = set.Substring(0, set.Length - " (Default)".Length).Trim();
                            isDefault = true;
                        }
                    }
                    var names = SyntaxParameter.Matches(text).Select(m => m.Groups["name"].Value).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
                    foreach (string n in names)
                        if (!parameters.Any(p => string.Equals(p.Name, n, StringComparison.OrdinalIgnoreCase)))
                            throw page.Fail(code, $"the syntax names -{n}, which has no '### -{n}' under PARAMETERS");
                    items.Add(new SyntaxItem(set, isDefault, text, names));
                    setHeading = null;
                    break;
                default:
                    throw page.Fail(block, "SYNTAX holds only '### SetName' headings and ``` blocks");
            }
        }
        if (setHeading != null) throw page.Fail(setHeading, $"the parameter set heading '### {PageReader.HeadingText(setHeading)}' has no ``` block");
        if (items.Count == 0) throw page.Fail(section.Heading, "SYNTAX has no ``` block");
        if (items.Count > 1)
        {
            if (items.Any(i => i.ParameterSet == "__AllParameterSets"))
                throw page.Fail(section.Heading, "with several syntax blocks, each needs a '### SetName' heading before it");
            if (items.Count(i => i.IsDefault) > 1) throw page.Fail(section.Heading, "more than one parameter set is marked (Default)");
        }
        return items;
    }

    private static List<Example> ParseExamples(PageReader page, Section section)
    {
        var examples = new List<Example>();
        HeadingBlock? heading = null;
        var code = new List<string>();
        var remarks = new List<Block>();
        void Flush()
        {
            if (heading == null) return;
            if (code.Count == 0) throw page.Fail(heading, $"the example '{PageReader.HeadingText(heading)}' has no ```powershell block");
            examples.Add(new Example(PageReader.HeadingText(heading), string.Join("\n\n", code), page.Paragraphs(remarks)));
        }
        foreach (var block in section.Blocks)
        {
            if (block is HeadingBlock { Level: 3 } h)
            {
                Flush();
                if (!ExampleTitle.IsMatch(PageReader.HeadingText(h)))
                    throw page.Fail(h, $"an example heading must read '### Example N: Title', not '### {PageReader.HeadingText(h)}'");
                heading = h;
                code = new List<string>();
                remarks = new List<Block>();
                continue;
            }
            if (heading == null) throw page.Fail(block, "EXAMPLES must start with a '### Example 1: Title' heading");
            // The code blocks before the first remark are the example; later ones (output, a second step) belong to the remarks.
            if (block is FencedCodeBlock fenced && remarks.Count == 0) code.Add(PageReader.CodeText(fenced));
            else remarks.Add(block);
        }
        Flush();
        if (examples.Count == 0) throw page.Fail(section.Heading, "EXAMPLES has no example");
        return examples;
    }

    private static List<Parameter> ParseParameters(PageReader page, Section section)
    {
        var parameters = new List<Parameter>();
        HeadingBlock? heading = null;
        var description = new List<Block>();
        var yaml = new List<FencedCodeBlock>();
        bool common = false;
        void Flush()
        {
            if (heading == null) return;
            string name = PageReader.HeadingText(heading).Substring(1);
            if (yaml.Count == 0) throw page.Fail(heading, $"-{name} has no ```yaml block");
            var attributes = yaml.Select(y => ParseAttributes(page, y, name)).ToList();
            parameters.Add(new Parameter(name, page.Paragraphs(description), attributes));
        }
        foreach (var block in section.Blocks)
        {
            if (block is HeadingBlock { Level: 3 } h)
            {
                Flush();
                heading = null;
                string text = PageReader.HeadingText(h);
                if (text == "CommonParameters") { common = true; continue; }
                if (common) throw page.Fail(h, "'### CommonParameters' must be the last entry of PARAMETERS");
                if (!Regex.IsMatch(text, "^-[A-Za-z][A-Za-z0-9_]*$")) throw page.Fail(h, $"a parameter heading must read '### -Name', not '### {text}'");
                if (parameters.Any(p => string.Equals(p.Name, text.Substring(1), StringComparison.OrdinalIgnoreCase)))
                    throw page.Fail(h, $"{text} is documented twice");
                heading = h;
                description = new List<Block>();
                yaml = new List<FencedCodeBlock>();
                continue;
            }
            if (common) continue; // the standard CommonParameters text; Get-Help writes its own
            if (heading == null) throw page.Fail(block, "PARAMETERS must start with a '### -Name' heading");
            if (block is FencedCodeBlock fenced && fenced.Info == "yaml") yaml.Add(fenced);
            else if (yaml.Count > 0) throw page.Fail(block, $"the description of -{PageReader.HeadingText(heading).Substring(1)} must come before its ```yaml block");
            else description.Add(block);
        }
        Flush();
        if (!common) throw page.Fail(section.Heading, "PARAMETERS has no '### CommonParameters' entry");
        return parameters;
    }

    private static ParameterAttributes ParseAttributes(PageReader page, FencedCodeBlock block, string parameter)
    {
        var map = page.ParseYaml(PageReader.CodeText(block), block.Line + 2, $"```yaml block of -{parameter}")
            ?? throw page.Fail(block, $"the ```yaml block of -{parameter} is empty");
        foreach (string key in map.Keys)
            if (!YamlKeys.Contains(key, StringComparer.Ordinal))
                throw page.Fail(block, $"-{parameter}: unknown key '{key}' (keys: {string.Join(", ", YamlKeys)})");
        foreach (string key in RequiredYamlKeys)
            if (!map.ContainsKey(key)) throw page.Fail(block, $"-{parameter}: the ```yaml block has no '{key}:'");

        string Value(string key) => map.GetValueOrDefault(key)?.Trim() ?? "";
        bool Bool(string key)
        {
            string v = Value(key);
            if (v.Equals("True", StringComparison.OrdinalIgnoreCase)) return true;
            if (v.Equals("False", StringComparison.OrdinalIgnoreCase)) return false;
            throw page.Fail(block, $"-{parameter}: '{key}' must be True or False, not '{v}'");
        }
        List<string> List(string key) => Value(key).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();

        string type = Value("Type");
        if (type.Length == 0) throw page.Fail(block, $"-{parameter}: 'Type' is empty");
        var sets = List("Parameter Sets");
        if (sets.Count == 0) throw page.Fail(block, $"-{parameter}: 'Parameter Sets' is empty (use (All))");
        string position = Value("Position");
        if (position != "Named" && !int.TryParse(position, out _)) throw page.Fail(block, $"-{parameter}: 'Position' must be Named or a number, not '{position}'");
        string pipeline = Value("Accept pipeline input");
        if (!PipelineInput.IsMatch(pipeline))
            throw page.Fail(block, $"-{parameter}: 'Accept pipeline input' must be False, True (ByValue), True (ByPropertyName) or True (ByValue, ByPropertyName), not '{pipeline}'");
        string defaultValue = Value("Default value");
        return new ParameterAttributes(type, sets, List("Aliases"), List("Accepted values"), Bool("Required"), position,
            defaultValue.Length == 0 ? "None" : defaultValue, pipeline, Bool("Accept wildcard characters"));
    }

    private static List<TypeEntry> ParseTypes(PageReader page, Section section)
    {
        var entries = new List<(HeadingBlock Heading, List<Block> Blocks)>();
        foreach (var block in section.Blocks)
        {
            if (block is HeadingBlock { Level: 3 } h) entries.Add((h, new List<Block>()));
            else if (entries.Count == 0) throw page.Fail(block, $"{section.Title} must list types as '### TypeName' headings (or '### None')");
            else entries[^1].Blocks.Add(block);
        }
        if (entries.Count == 0) throw page.Fail(section.Heading, $"{section.Title} has no '### TypeName' entry (write '### None' when there is none)");
        return entries.Select(e => new TypeEntry(PageReader.HeadingText(e.Heading), page.Paragraphs(e.Blocks))).ToList();
    }

    private static List<RelatedLink> ParseLinks(PageReader page, Section section)
    {
        var links = new List<RelatedLink>();
        void FromParagraph(ParagraphBlock p)
        {
            var found = p.Inline?.Descendants<LinkInline>().Where(l => !l.IsImage).ToList() ?? new List<LinkInline>();
            if (found.Count == 0)
            {
                string text = PageReader.InlineText(p.Inline).Trim();
                if (text.Length > 0) links.Add(new RelatedLink(text, ""));
                return;
            }
            foreach (var link in found)
            {
                string text = PageReader.ChildrenText(link).Trim();
                links.Add(new RelatedLink(text.Length > 0 ? text : link.Url ?? "", PageReader.IsWebUrl(link.Url) ? link.Url! : ""));
            }
        }
        foreach (var block in section.Blocks)
        {
            switch (block)
            {
                case ParagraphBlock p:
                    FromParagraph(p);
                    break;
                case ListBlock list:
                    foreach (var p in list.Descendants<ParagraphBlock>()) FromParagraph(p);
                    break;
                default:
                    throw page.Fail(block, "RELATED LINKS holds only links, one per line or list item");
            }
        }
        return links;
    }
}
