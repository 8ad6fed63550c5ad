using System.Text;
using System.Xml;

namespace HelpGen;

/// <summary>Writes command pages as one MAML help file, in the layout platyPS produces (PowerShell reads it with Get-Help).</summary>
public static class MamlWriter
{
    private const string Msh = "http://msh";
    private const string Maml = "http://schemas.microsoft.com/maml/2004/10";
    private const string Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private const string Dev = "http://schemas.microsoft.com/maml/dev/2004/10";
    private const string MsHelp = "http://msdn.microsoft.com/mshelp";

    public static void Write(string path, IEnumerable<CommandPage> pages)
    {
        var settings = new XmlWriterSettings { Indent = true, IndentChars = "  ", Encoding = new UTF8Encoding(false), NewLineChars = "\n" };
        string temp = path + ".tmp";
        using (var w = XmlWriter.Create(temp, settings))
        {
            w.WriteStartDocument();
            w.WriteStartElement("helpItems", Msh);
            w.WriteAttributeString("schema", "maml");
            foreach (var page in pages) WriteCommand(w, page);
            w.WriteEndElement();
            w.WriteEndDocument();
        }
        File.Move(temp, path, overwrite: true);
    }

    private static void WriteCommand(XmlWriter w, CommandPage page)
    {
        w.WriteStartElement("command", "command", Command);
        w.WriteAttributeString("xmlns", "maml", null, Maml);
        w.WriteAttributeString("xmlns", "command", null, Command);
        w.WriteAttributeString("xmlns", "dev", null, Dev);
        w.WriteAttributeString("xmlns", "MSHelp", null, MsHelp);

        w.WriteStartElement("command", "details", Command);
        w.WriteElementString("command", "name", Command, page.Name);
        w.WriteElementString("command", "verb", Command, page.Verb);
        w.WriteElementString("command", "noun", Command, page.Noun);
        Description(w, page.Synopsis);
        w.WriteEndElement();

        Description(w, page.Description);

        w.WriteStartElement("command", "syntax", Command);
        foreach (var item in page.Syntax)
        {
            w.WriteStartElement("command", "syntaxItem", Command);
            w.WriteElementString("maml", "name", Maml, page.Name);
            foreach (string name in item.Parameters)
            {
                var parameter = page.Parameters.First(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
                WriteParameter(w, parameter, parameter.For(item.ParameterSet), inSyntax: true);
            }
            w.WriteEndElement();
        }
        w.WriteEndElement();

        w.WriteStartElement("command", "parameters", Command);
        foreach (var parameter in page.Parameters) WriteParameter(w, parameter, parameter.For(null), inSyntax: false);
        w.WriteEndElement();

        WriteTypes(w, "inputTypes", "inputType", page.Inputs);
        WriteTypes(w, "returnValues", "returnValue", page.Outputs);

        w.WriteStartElement("maml", "alertSet", Maml);
        w.WriteStartElement("maml", "alert", Maml);
        foreach (string para in page.Notes) w.WriteElementString("maml", "para", Maml, para);
        w.WriteEndElement();
        w.WriteEndElement();

        w.WriteStartElement("command", "examples", Command);
        foreach (var example in page.Examples)
        {
            w.WriteStartElement("command", "example", Command);
            w.WriteElementString("maml", "title", Maml, $"-------------------------- {example.Title} --------------------------");
            w.WriteElementString("dev", "code", Dev, example.Code);
            w.WriteStartElement("dev", "remarks", Dev);
            foreach (string para in example.Remarks) w.WriteElementString("maml", "para", Maml, para);
            w.WriteEndElement();
            w.WriteEndElement();
        }
        w.WriteEndElement();

        w.WriteStartElement("command", "relatedLinks", Command);
        if (!string.IsNullOrWhiteSpace(page.OnlineVersion)) Link(w, "Online Version:", page.OnlineVersion!.Trim());
        foreach (var link in page.Links) Link(w, link.Text, link.Uri);
        w.WriteEndElement();

        w.WriteEndElement();
    }

    private static void Description(XmlWriter w, IEnumerable<string> paras)
    {
        w.WriteStartElement("maml", "description", Maml);
        foreach (string para in paras) w.WriteElementString("maml", "para", Maml, para);
        w.WriteEndElement();
    }

    private static void WriteParameter(XmlWriter w, Parameter parameter, ParameterAttributes a, bool inSyntax)
    {
        w.WriteStartElement("command", "parameter", Command);
        w.WriteAttributeString("required", a.Required ? "true" : "false");
        w.WriteAttributeString("variableLength", "true");
        w.WriteAttributeString("globbing", a.Globbing ? "true" : "false");
        w.WriteAttributeString("pipelineInput", a.PipelineInput);
        w.WriteAttributeString("position", a.Position == "Named" ? "named" : a.Position);
        w.WriteAttributeString("aliases", a.Aliases.Count == 0 ? "none" : string.Join(", ", a.Aliases));
        w.WriteElementString("maml", "name", Maml, parameter.Name);
        Description(w, parameter.Description);
        if (inSyntax && a.AcceptedValues.Count > 0)
        {
            w.WriteStartElement("command", "parameterValueGroup", Command);
            foreach (string value in a.AcceptedValues)
            {
                w.WriteStartElement("command", "parameterValue", Command);
                w.WriteAttributeString("required", "false");
                w.WriteAttributeString("command", "variableLength", Command, "false");
                w.WriteString(value);
                w.WriteEndElement();
            }
            w.WriteEndElement();
        }
        // A switch takes no value: in a syntax line it is just [-Force].
        if (!(inSyntax && a.IsSwitch))
        {
            w.WriteStartElement("command", "parameterValue", Command);
            w.WriteAttributeString("required", a.IsSwitch ? "false" : "true");
            w.WriteAttributeString("variableLength", "false");
            w.WriteString(a.Type);
            w.WriteEndElement();
        }
        w.WriteStartElement("dev", "type", Dev);
        w.WriteElementString("maml", "name", Maml, a.Type);
        w.WriteElementString("maml", "uri", Maml, "");
        w.WriteEndElement();
        w.WriteElementString("dev", "defaultValue", Dev, a.DefaultValue);
        w.WriteEndElement();
    }

    private static void WriteTypes(XmlWriter w, string listName, string itemName, IEnumerable<TypeEntry> types)
    {
        w.WriteStartElement("command", listName, Command);
        foreach (var type in types)
        {
            w.WriteStartElement("command", itemName, Command);
            w.WriteStartElement("dev", "type", Dev);
            w.WriteElementString("maml", "name", Maml, type.Name);
            w.WriteEndElement();
            Description(w, type.Description);
            w.WriteEndElement();
        }
        w.WriteEndElement();
    }

    private static void Link(XmlWriter w, string text, string uri)
    {
        w.WriteStartElement("maml", "navigationLink", Maml);
        w.WriteElementString("maml", "linkText", Maml, text);
        w.WriteElementString("maml", "uri", Maml, uri);
        w.WriteEndElement();
    }
}
