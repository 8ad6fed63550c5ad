using System;

namespace AcmePS.Core
{
    /// <summary>What kind of failure an <see cref="AcmeException"/> is; the cmdlets map it to an ErrorCategory.</summary>
    public enum AcmeErrorKind
    {
        InvalidArgument,
        NotFound,
        InvalidOperation,
        PermissionDenied,
        ConnectionError,
        LimitsExceeded,
        OperationTimeout,
        SecurityError,
        InvalidData,
        ResourceExists,
        ResourceBusy,
        NotSpecified,
    }

    /// <summary>
    /// Every failure the engine reports to a user. <see cref="ErrorId"/> follows the pattern
    /// <c>Acme&lt;Noun&gt;&lt;Condition&gt;</c> and is stable: scripts and tests match on it.
    /// </summary>
    public class AcmeException : Exception
    {
        public AcmeException(string errorId, AcmeErrorKind kind, string message, Exception inner = null)
            : base(message, inner)
        {
            ErrorId = errorId;
            Kind = kind;
        }

        public string ErrorId { get; }

        public AcmeErrorKind Kind { get; }

        /// <summary>The object the error is about (a name, an identifier, a URL), for the ErrorRecord.</summary>
        public object Target { get; set; }
    }
}
