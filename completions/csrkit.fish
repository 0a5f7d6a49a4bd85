# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_csrkit_global_optspecs
    string join \n keystore= format= pretty no-input q/quiet lock-timeout= h/help V/version
end

function __fish_csrkit_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_csrkit_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_csrkit_using_subcommand
    set -l cmd (__fish_csrkit_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c csrkit -n "__fish_csrkit_needs_command" -l keystore -d 'Keystore directory, or postgresql://user@host:port/db URL [default: $XDG_DATA_HOME/csrkit, else ~/.local/share/csrkit]' -r -F
complete -c csrkit -n "__fish_csrkit_needs_command" -l format -d 'Output shape (each command has its own default)' -r -f -a "text\t'Human-readable text'
pem\t'The CSR as PEM'
der\t'The CSR as DER (binary)'
json\t'csrkit\'s JSON'
arcgis\t'Esri ArcGIS Portal generateCsr response'
qradar\t'IBM QRadar certificate_signing_request responses'
sbc\t'Oracle SBC generateRequest XML response'
nsx\t'VMware NSX TlsCsr'
xclarity\t'Lenovo XClarity certificateSigningRequest response'"
complete -c csrkit -n "__fish_csrkit_needs_command" -l lock-timeout -d 'Seconds to wait for the keystore lock before giving up (exit 5)' -r
complete -c csrkit -n "__fish_csrkit_needs_command" -l pretty -d 'Pretty-print JSON shapes (ArcGIS f=pjson)'
complete -c csrkit -n "__fish_csrkit_needs_command" -l no-input -d 'Never prompt; implied when stdin is not a terminal or CI is set'
complete -c csrkit -n "__fish_csrkit_needs_command" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c csrkit -n "__fish_csrkit_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c csrkit -n "__fish_csrkit_needs_command" -s V -l version -d 'Print version'
complete -c csrkit -n "__fish_csrkit_needs_command" -f -a "generate" -d 'Generate a new key pair and CSR, stored as record NAME'
complete -c csrkit -n "__fish_csrkit_needs_command" -f -a "show" -d 'Decode and verify a CSR (a record, or a file with --file)'
complete -c csrkit -n "__fish_csrkit_needs_command" -f -a "download" -d 'Print or save a record\'s CSR'
complete -c csrkit -n "__fish_csrkit_needs_command" -f -a "regenerate" -d 'Make a new CSR for a record, keeping its key unless --new-key'
complete -c csrkit -n "__fish_csrkit_needs_command" -f -a "list" -d 'List the records in the keystore'
complete -c csrkit -n "__fish_csrkit_needs_command" -f -a "delete" -d 'Delete a record and its history'
complete -c csrkit -n "__fish_csrkit_needs_command" -f -a "import" -d 'Take a signed certificate back: find its record by key, check its chain, store both'
complete -c csrkit -n "__fish_csrkit_needs_command" -f -a "self-sign" -d 'Issue a self-signed certificate on a record\'s key and request'
complete -c csrkit -n "__fish_csrkit_needs_command" -f -a "expiring" -d 'List the certificates that expire soon (exit 10 when there are any)'
complete -c csrkit -n "__fish_csrkit_needs_command" -f -a "keystore" -d 'Keystore maintenance: apply a PostgreSQL keystore\'s schema migrations, copy records between keystores'
complete -c csrkit -n "__fish_csrkit_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c csrkit -n "__fish_csrkit_needs_command" -f -a "man" -d 'Write the man pages (csrkit.1 and one per subcommand)'
complete -c csrkit -n "__fish_csrkit_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c csrkit -n "__fish_csrkit_using_subcommand generate" -l keystore -d 'Keystore directory, or postgresql://user@host:port/db URL [default: $XDG_DATA_HOME/csrkit, else ~/.local/share/csrkit]' -r -F
complete -c csrkit -n "__fish_csrkit_using_subcommand generate" -l format -d 'Output shape (each command has its own default)' -r -f -a "text\t'Human-readable text'
pem\t'The CSR as PEM'
der\t'The CSR as DER (binary)'
json\t'csrkit\'s JSON'
arcgis\t'Esri ArcGIS Portal generateCsr response'
qradar\t'IBM QRadar certificate_signing_request responses'
sbc\t'Oracle SBC generateRequest XML response'
nsx\t'VMware NSX TlsCsr'
xclarity\t'Lenovo XClarity certificateSigningRequest response'"
complete -c csrkit -n "__fish_csrkit_using_subcommand generate" -l lock-timeout -d 'Seconds to wait for the keystore lock before giving up (exit 5)' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand generate" -l common-name -l cn -d 'Common name (CN)' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand generate" -l country -d 'Country (C): ISO 3166 two-letter code' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand generate" -l state -d 'State or province (ST)' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand generate" -l locality -d 'Locality or city (L)' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand generate" -l organization -l org -d 'Organization (O)' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand generate" -l organizational-unit -l ou -d 'Organizational unit (OU); repeatable, kept in order' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand generate" -l street-address -d 'Street address' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand generate" -l domain-component -l dc -d 'Domain component (DC); repeatable, kept in order' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand generate" -l user-id -l uid -d 'User id (UID)' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand generate" -l email-address -d 'Email address attribute in the subject (prefer --email for a SAN)' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand generate" -l subject -d 'Whole subject: RFC 4514 (CN=a,O=b) or OpenSSL form (/C=DE/O=b/CN=a); \'+\' joins multi-valued RDNs' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand generate" -l dns -d 'DNS name SAN; repeatable, comma-separable' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand generate" -l ip -d 'IP address SAN (IPv4 or IPv6); repeatable, comma-separable' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand generate" -l email -d 'Email SAN; repeatable, comma-separable' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand generate" -l uri -d 'URI SAN (absolute URI); repeatable, comma-separable' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand generate" -l san -d 'SAN as TYPE:VALUE with TYPE dns, ip, email or uri; repeatable' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand generate" -l key-type -l algorithm -d 'Key type: rsa, ec (ecdsa) or ed25519 [default: rsa]' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand generate" -l key-size -d 'RSA: 2048, 3072, 4096 [default: 2048]; EC: 256, 384, 521' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand generate" -l curve -d 'EC curve: P-256, P-384 or P-521 [default: P-256]' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand generate" -l digest -d 'Signature digest: sha256, sha384 or sha512 [default: fits the key]' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand generate" -l purpose -d 'server, client, server-client or signing-encryption (sets key usages)' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand generate" -l key-usage -d 'Key usages, comma-separated (digitalSignature,keyEncipherment,...)' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand generate" -l extended-key-usage -l eku -d 'Extended key usages, comma-separated (serverAuth,clientAuth,... or OIDs)' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand generate" -l path-len -d 'Path length constraint for --ca' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand generate" -l description -d 'Description stored with the record' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand generate" -l request -d 'Read a request body (QRadar, NSX, XClarity, ArcGIS, SBC or native JSON) from FILE or - (stdin); flags override its fields' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand generate" -l request-format -d 'Force the request body\'s format instead of detecting it' -r -f -a "native\t'csrkit\'s own JSON (field names as the long options, with underscores)'
qradar\t''
nsx\t''
xclarity\t''
arcgis\t''
sbc\t''"
complete -c csrkit -n "__fish_csrkit_using_subcommand generate" -l batch -d 'JSON Lines, one request per line (any accepted shape plus "name"), from FILE or -' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand generate" -s j -l jobs -d 'Parallel jobs for --batch [default: all cores]' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand generate" -l passphrase-file -d 'Read the passphrase from the first line of FILE' -r -F
complete -c csrkit -n "__fish_csrkit_using_subcommand generate" -l passphrase-env -d 'Read the passphrase from the environment variable VAR. With no passphrase option, $CSRKIT_PASSPHRASE is used, else csrkit asks at a terminal' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand generate" -l pretty -d 'Pretty-print JSON shapes (ArcGIS f=pjson)'
complete -c csrkit -n "__fish_csrkit_using_subcommand generate" -l no-input -d 'Never prompt; implied when stdin is not a terminal or CI is set'
complete -c csrkit -n "__fish_csrkit_using_subcommand generate" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c csrkit -n "__fish_csrkit_using_subcommand generate" -l no-default-san -d 'Do not add the CN as a SAN when no SAN is given'
complete -c csrkit -n "__fish_csrkit_using_subcommand generate" -l ca -d 'Request a CA certificate (basicConstraints CA:TRUE)'
complete -c csrkit -n "__fish_csrkit_using_subcommand generate" -l no-passphrase -d 'Store the private key unencrypted (still mode 0600)'
complete -c csrkit -n "__fish_csrkit_using_subcommand generate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c csrkit -n "__fish_csrkit_using_subcommand generate" -s V -l version -d 'Print version'
complete -c csrkit -n "__fish_csrkit_using_subcommand show" -l keystore -d 'Keystore directory, or postgresql://user@host:port/db URL [default: $XDG_DATA_HOME/csrkit, else ~/.local/share/csrkit]' -r -F
complete -c csrkit -n "__fish_csrkit_using_subcommand show" -l format -d 'Output shape (each command has its own default)' -r -f -a "text\t'Human-readable text'
pem\t'The CSR as PEM'
der\t'The CSR as DER (binary)'
json\t'csrkit\'s JSON'
arcgis\t'Esri ArcGIS Portal generateCsr response'
qradar\t'IBM QRadar certificate_signing_request responses'
sbc\t'Oracle SBC generateRequest XML response'
nsx\t'VMware NSX TlsCsr'
xclarity\t'Lenovo XClarity certificateSigningRequest response'"
complete -c csrkit -n "__fish_csrkit_using_subcommand show" -l lock-timeout -d 'Seconds to wait for the keystore lock before giving up (exit 5)' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand show" -l file -d 'Read a CSR from FILE or - (PEM or DER) instead of a record' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand show" -l pretty -d 'Pretty-print JSON shapes (ArcGIS f=pjson)'
complete -c csrkit -n "__fish_csrkit_using_subcommand show" -l no-input -d 'Never prompt; implied when stdin is not a terminal or CI is set'
complete -c csrkit -n "__fish_csrkit_using_subcommand show" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c csrkit -n "__fish_csrkit_using_subcommand show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c csrkit -n "__fish_csrkit_using_subcommand show" -s V -l version -d 'Print version'
complete -c csrkit -n "__fish_csrkit_using_subcommand download" -l keystore -d 'Keystore directory, or postgresql://user@host:port/db URL [default: $XDG_DATA_HOME/csrkit, else ~/.local/share/csrkit]' -r -F
complete -c csrkit -n "__fish_csrkit_using_subcommand download" -l format -d 'Output shape (each command has its own default)' -r -f -a "text\t'Human-readable text'
pem\t'The CSR as PEM'
der\t'The CSR as DER (binary)'
json\t'csrkit\'s JSON'
arcgis\t'Esri ArcGIS Portal generateCsr response'
qradar\t'IBM QRadar certificate_signing_request responses'
sbc\t'Oracle SBC generateRequest XML response'
nsx\t'VMware NSX TlsCsr'
xclarity\t'Lenovo XClarity certificateSigningRequest response'"
complete -c csrkit -n "__fish_csrkit_using_subcommand download" -l lock-timeout -d 'Seconds to wait for the keystore lock before giving up (exit 5)' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand download" -s o -l output -d 'Write to FILE instead of stdout' -r -F
complete -c csrkit -n "__fish_csrkit_using_subcommand download" -l pretty -d 'Pretty-print JSON shapes (ArcGIS f=pjson)'
complete -c csrkit -n "__fish_csrkit_using_subcommand download" -l no-input -d 'Never prompt; implied when stdin is not a terminal or CI is set'
complete -c csrkit -n "__fish_csrkit_using_subcommand download" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c csrkit -n "__fish_csrkit_using_subcommand download" -l der -d 'DER instead of PEM (same as --format der)'
complete -c csrkit -n "__fish_csrkit_using_subcommand download" -l details -d 'XClarity: the JSON envelope instead of the raw PEM'
complete -c csrkit -n "__fish_csrkit_using_subcommand download" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c csrkit -n "__fish_csrkit_using_subcommand download" -s V -l version -d 'Print version'
complete -c csrkit -n "__fish_csrkit_using_subcommand regenerate" -l keystore -d 'Keystore directory, or postgresql://user@host:port/db URL [default: $XDG_DATA_HOME/csrkit, else ~/.local/share/csrkit]' -r -F
complete -c csrkit -n "__fish_csrkit_using_subcommand regenerate" -l format -d 'Output shape (each command has its own default)' -r -f -a "text\t'Human-readable text'
pem\t'The CSR as PEM'
der\t'The CSR as DER (binary)'
json\t'csrkit\'s JSON'
arcgis\t'Esri ArcGIS Portal generateCsr response'
qradar\t'IBM QRadar certificate_signing_request responses'
sbc\t'Oracle SBC generateRequest XML response'
nsx\t'VMware NSX TlsCsr'
xclarity\t'Lenovo XClarity certificateSigningRequest response'"
complete -c csrkit -n "__fish_csrkit_using_subcommand regenerate" -l lock-timeout -d 'Seconds to wait for the keystore lock before giving up (exit 5)' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand regenerate" -l common-name -l cn -d 'Common name (CN)' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand regenerate" -l country -d 'Country (C): ISO 3166 two-letter code' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand regenerate" -l state -d 'State or province (ST)' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand regenerate" -l locality -d 'Locality or city (L)' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand regenerate" -l organization -l org -d 'Organization (O)' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand regenerate" -l organizational-unit -l ou -d 'Organizational unit (OU); repeatable, kept in order' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand regenerate" -l street-address -d 'Street address' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand regenerate" -l domain-component -l dc -d 'Domain component (DC); repeatable, kept in order' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand regenerate" -l user-id -l uid -d 'User id (UID)' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand regenerate" -l email-address -d 'Email address attribute in the subject (prefer --email for a SAN)' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand regenerate" -l subject -d 'Whole subject: RFC 4514 (CN=a,O=b) or OpenSSL form (/C=DE/O=b/CN=a); \'+\' joins multi-valued RDNs' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand regenerate" -l dns -d 'DNS name SAN; repeatable, comma-separable' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand regenerate" -l ip -d 'IP address SAN (IPv4 or IPv6); repeatable, comma-separable' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand regenerate" -l email -d 'Email SAN; repeatable, comma-separable' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand regenerate" -l uri -d 'URI SAN (absolute URI); repeatable, comma-separable' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand regenerate" -l san -d 'SAN as TYPE:VALUE with TYPE dns, ip, email or uri; repeatable' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand regenerate" -l key-type -l algorithm -d 'Key type: rsa, ec (ecdsa) or ed25519 [default: rsa]' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand regenerate" -l key-size -d 'RSA: 2048, 3072, 4096 [default: 2048]; EC: 256, 384, 521' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand regenerate" -l curve -d 'EC curve: P-256, P-384 or P-521 [default: P-256]' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand regenerate" -l digest -d 'Signature digest: sha256, sha384 or sha512 [default: fits the key]' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand regenerate" -l purpose -d 'server, client, server-client or signing-encryption (sets key usages)' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand regenerate" -l key-usage -d 'Key usages, comma-separated (digitalSignature,keyEncipherment,...)' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand regenerate" -l extended-key-usage -l eku -d 'Extended key usages, comma-separated (serverAuth,clientAuth,... or OIDs)' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand regenerate" -l path-len -d 'Path length constraint for --ca' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand regenerate" -l description -d 'Description stored with the record' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand regenerate" -l request -d 'Read a request body (QRadar, NSX, XClarity, ArcGIS, SBC or native JSON) from FILE or - (stdin); flags override its fields' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand regenerate" -l request-format -d 'Force the request body\'s format instead of detecting it' -r -f -a "native\t'csrkit\'s own JSON (field names as the long options, with underscores)'
qradar\t''
nsx\t''
xclarity\t''
arcgis\t''
sbc\t''"
complete -c csrkit -n "__fish_csrkit_using_subcommand regenerate" -l passphrase-file -d 'Read the passphrase from the first line of FILE' -r -F
complete -c csrkit -n "__fish_csrkit_using_subcommand regenerate" -l passphrase-env -d 'Read the passphrase from the environment variable VAR. With no passphrase option, $CSRKIT_PASSPHRASE is used, else csrkit asks at a terminal' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand regenerate" -l pretty -d 'Pretty-print JSON shapes (ArcGIS f=pjson)'
complete -c csrkit -n "__fish_csrkit_using_subcommand regenerate" -l no-input -d 'Never prompt; implied when stdin is not a terminal or CI is set'
complete -c csrkit -n "__fish_csrkit_using_subcommand regenerate" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c csrkit -n "__fish_csrkit_using_subcommand regenerate" -l new-key -d 'Generate a new key instead of reusing the stored one'
complete -c csrkit -n "__fish_csrkit_using_subcommand regenerate" -l no-default-san -d 'Do not add the CN as a SAN when no SAN is given'
complete -c csrkit -n "__fish_csrkit_using_subcommand regenerate" -l ca -d 'Request a CA certificate (basicConstraints CA:TRUE)'
complete -c csrkit -n "__fish_csrkit_using_subcommand regenerate" -l no-passphrase -d 'Store the private key unencrypted (still mode 0600)'
complete -c csrkit -n "__fish_csrkit_using_subcommand regenerate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c csrkit -n "__fish_csrkit_using_subcommand regenerate" -s V -l version -d 'Print version'
complete -c csrkit -n "__fish_csrkit_using_subcommand list" -l keystore -d 'Keystore directory, or postgresql://user@host:port/db URL [default: $XDG_DATA_HOME/csrkit, else ~/.local/share/csrkit]' -r -F
complete -c csrkit -n "__fish_csrkit_using_subcommand list" -l format -d 'Output shape (each command has its own default)' -r -f -a "text\t'Human-readable text'
pem\t'The CSR as PEM'
der\t'The CSR as DER (binary)'
json\t'csrkit\'s JSON'
arcgis\t'Esri ArcGIS Portal generateCsr response'
qradar\t'IBM QRadar certificate_signing_request responses'
sbc\t'Oracle SBC generateRequest XML response'
nsx\t'VMware NSX TlsCsr'
xclarity\t'Lenovo XClarity certificateSigningRequest response'"
complete -c csrkit -n "__fish_csrkit_using_subcommand list" -l lock-timeout -d 'Seconds to wait for the keystore lock before giving up (exit 5)' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand list" -l pretty -d 'Pretty-print JSON shapes (ArcGIS f=pjson)'
complete -c csrkit -n "__fish_csrkit_using_subcommand list" -l no-input -d 'Never prompt; implied when stdin is not a terminal or CI is set'
complete -c csrkit -n "__fish_csrkit_using_subcommand list" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c csrkit -n "__fish_csrkit_using_subcommand list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c csrkit -n "__fish_csrkit_using_subcommand list" -s V -l version -d 'Print version'
complete -c csrkit -n "__fish_csrkit_using_subcommand delete" -l keystore -d 'Keystore directory, or postgresql://user@host:port/db URL [default: $XDG_DATA_HOME/csrkit, else ~/.local/share/csrkit]' -r -F
complete -c csrkit -n "__fish_csrkit_using_subcommand delete" -l format -d 'Output shape (each command has its own default)' -r -f -a "text\t'Human-readable text'
pem\t'The CSR as PEM'
der\t'The CSR as DER (binary)'
json\t'csrkit\'s JSON'
arcgis\t'Esri ArcGIS Portal generateCsr response'
qradar\t'IBM QRadar certificate_signing_request responses'
sbc\t'Oracle SBC generateRequest XML response'
nsx\t'VMware NSX TlsCsr'
xclarity\t'Lenovo XClarity certificateSigningRequest response'"
complete -c csrkit -n "__fish_csrkit_using_subcommand delete" -l lock-timeout -d 'Seconds to wait for the keystore lock before giving up (exit 5)' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand delete" -l pretty -d 'Pretty-print JSON shapes (ArcGIS f=pjson)'
complete -c csrkit -n "__fish_csrkit_using_subcommand delete" -l no-input -d 'Never prompt; implied when stdin is not a terminal or CI is set'
complete -c csrkit -n "__fish_csrkit_using_subcommand delete" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c csrkit -n "__fish_csrkit_using_subcommand delete" -s y -l yes -d 'Do not ask for confirmation (required when not at a terminal)'
complete -c csrkit -n "__fish_csrkit_using_subcommand delete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c csrkit -n "__fish_csrkit_using_subcommand delete" -s V -l version -d 'Print version'
complete -c csrkit -n "__fish_csrkit_using_subcommand import" -l keystore -d 'Keystore directory, or postgresql://user@host:port/db URL [default: $XDG_DATA_HOME/csrkit, else ~/.local/share/csrkit]' -r -F
complete -c csrkit -n "__fish_csrkit_using_subcommand import" -l format -d 'Output shape (each command has its own default)' -r -f -a "text\t'Human-readable text'
pem\t'The CSR as PEM'
der\t'The CSR as DER (binary)'
json\t'csrkit\'s JSON'
arcgis\t'Esri ArcGIS Portal generateCsr response'
qradar\t'IBM QRadar certificate_signing_request responses'
sbc\t'Oracle SBC generateRequest XML response'
nsx\t'VMware NSX TlsCsr'
xclarity\t'Lenovo XClarity certificateSigningRequest response'"
complete -c csrkit -n "__fish_csrkit_using_subcommand import" -l lock-timeout -d 'Seconds to wait for the keystore lock before giving up (exit 5)' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand import" -l record -d 'The record it is for [default: the record that holds the certificate\'s key]' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand import" -l ca-file -d 'More certificates to build the chain from (intermediates, roots); repeatable' -r -F
complete -c csrkit -n "__fish_csrkit_using_subcommand import" -l pretty -d 'Pretty-print JSON shapes (ArcGIS f=pjson)'
complete -c csrkit -n "__fish_csrkit_using_subcommand import" -l no-input -d 'Never prompt; implied when stdin is not a terminal or CI is set'
complete -c csrkit -n "__fish_csrkit_using_subcommand import" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c csrkit -n "__fish_csrkit_using_subcommand import" -l require-chain -d 'Fail (exit 9) unless the chain reaches a self-signed root'
complete -c csrkit -n "__fish_csrkit_using_subcommand import" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c csrkit -n "__fish_csrkit_using_subcommand import" -s V -l version -d 'Print version'
complete -c csrkit -n "__fish_csrkit_using_subcommand self-sign" -l keystore -d 'Keystore directory, or postgresql://user@host:port/db URL [default: $XDG_DATA_HOME/csrkit, else ~/.local/share/csrkit]' -r -F
complete -c csrkit -n "__fish_csrkit_using_subcommand self-sign" -l format -d 'Output shape (each command has its own default)' -r -f -a "text\t'Human-readable text'
pem\t'The CSR as PEM'
der\t'The CSR as DER (binary)'
json\t'csrkit\'s JSON'
arcgis\t'Esri ArcGIS Portal generateCsr response'
qradar\t'IBM QRadar certificate_signing_request responses'
sbc\t'Oracle SBC generateRequest XML response'
nsx\t'VMware NSX TlsCsr'
xclarity\t'Lenovo XClarity certificateSigningRequest response'"
complete -c csrkit -n "__fish_csrkit_using_subcommand self-sign" -l lock-timeout -d 'Seconds to wait for the keystore lock before giving up (exit 5)' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand self-sign" -l days -d 'Days the certificate is valid, from now' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand self-sign" -l passphrase-file -d 'Read the passphrase from the first line of FILE' -r -F
complete -c csrkit -n "__fish_csrkit_using_subcommand self-sign" -l passphrase-env -d 'Read the passphrase from the environment variable VAR. With no passphrase option, $CSRKIT_PASSPHRASE is used, else csrkit asks at a terminal' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand self-sign" -l pretty -d 'Pretty-print JSON shapes (ArcGIS f=pjson)'
complete -c csrkit -n "__fish_csrkit_using_subcommand self-sign" -l no-input -d 'Never prompt; implied when stdin is not a terminal or CI is set'
complete -c csrkit -n "__fish_csrkit_using_subcommand self-sign" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c csrkit -n "__fish_csrkit_using_subcommand self-sign" -l no-passphrase -d 'Store the private key unencrypted (still mode 0600)'
complete -c csrkit -n "__fish_csrkit_using_subcommand self-sign" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c csrkit -n "__fish_csrkit_using_subcommand self-sign" -s V -l version -d 'Print version'
complete -c csrkit -n "__fish_csrkit_using_subcommand expiring" -l keystore -d 'Keystore directory, or postgresql://user@host:port/db URL [default: $XDG_DATA_HOME/csrkit, else ~/.local/share/csrkit]' -r -F
complete -c csrkit -n "__fish_csrkit_using_subcommand expiring" -l format -d 'Output shape (each command has its own default)' -r -f -a "text\t'Human-readable text'
pem\t'The CSR as PEM'
der\t'The CSR as DER (binary)'
json\t'csrkit\'s JSON'
arcgis\t'Esri ArcGIS Portal generateCsr response'
qradar\t'IBM QRadar certificate_signing_request responses'
sbc\t'Oracle SBC generateRequest XML response'
nsx\t'VMware NSX TlsCsr'
xclarity\t'Lenovo XClarity certificateSigningRequest response'"
complete -c csrkit -n "__fish_csrkit_using_subcommand expiring" -l lock-timeout -d 'Seconds to wait for the keystore lock before giving up (exit 5)' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand expiring" -l within -d 'The window: a number with s, m, h, d or w (a bare number is days)' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand expiring" -l pretty -d 'Pretty-print JSON shapes (ArcGIS f=pjson)'
complete -c csrkit -n "__fish_csrkit_using_subcommand expiring" -l no-input -d 'Never prompt; implied when stdin is not a terminal or CI is set'
complete -c csrkit -n "__fish_csrkit_using_subcommand expiring" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c csrkit -n "__fish_csrkit_using_subcommand expiring" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c csrkit -n "__fish_csrkit_using_subcommand expiring" -s V -l version -d 'Print version'
complete -c csrkit -n "__fish_csrkit_using_subcommand keystore; and not __fish_seen_subcommand_from migrate copy help" -l keystore -d 'Keystore directory, or postgresql://user@host:port/db URL [default: $XDG_DATA_HOME/csrkit, else ~/.local/share/csrkit]' -r -F
complete -c csrkit -n "__fish_csrkit_using_subcommand keystore; and not __fish_seen_subcommand_from migrate copy help" -l format -d 'Output shape (each command has its own default)' -r -f -a "text\t'Human-readable text'
pem\t'The CSR as PEM'
der\t'The CSR as DER (binary)'
json\t'csrkit\'s JSON'
arcgis\t'Esri ArcGIS Portal generateCsr response'
qradar\t'IBM QRadar certificate_signing_request responses'
sbc\t'Oracle SBC generateRequest XML response'
nsx\t'VMware NSX TlsCsr'
xclarity\t'Lenovo XClarity certificateSigningRequest response'"
complete -c csrkit -n "__fish_csrkit_using_subcommand keystore; and not __fish_seen_subcommand_from migrate copy help" -l lock-timeout -d 'Seconds to wait for the keystore lock before giving up (exit 5)' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand keystore; and not __fish_seen_subcommand_from migrate copy help" -l pretty -d 'Pretty-print JSON shapes (ArcGIS f=pjson)'
complete -c csrkit -n "__fish_csrkit_using_subcommand keystore; and not __fish_seen_subcommand_from migrate copy help" -l no-input -d 'Never prompt; implied when stdin is not a terminal or CI is set'
complete -c csrkit -n "__fish_csrkit_using_subcommand keystore; and not __fish_seen_subcommand_from migrate copy help" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c csrkit -n "__fish_csrkit_using_subcommand keystore; and not __fish_seen_subcommand_from migrate copy help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c csrkit -n "__fish_csrkit_using_subcommand keystore; and not __fish_seen_subcommand_from migrate copy help" -s V -l version -d 'Print version'
complete -c csrkit -n "__fish_csrkit_using_subcommand keystore; and not __fish_seen_subcommand_from migrate copy help" -f -a "migrate" -d 'Apply the schema migrations a PostgreSQL keystore lacks (also done on first use)'
complete -c csrkit -n "__fish_csrkit_using_subcommand keystore; and not __fish_seen_subcommand_from migrate copy help" -f -a "copy" -d 'Copy every record, with its id and history, from SRC to DST (a directory or a postgresql:// URL); resumable'
complete -c csrkit -n "__fish_csrkit_using_subcommand keystore; and not __fish_seen_subcommand_from migrate copy help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c csrkit -n "__fish_csrkit_using_subcommand keystore; and __fish_seen_subcommand_from migrate" -l keystore -d 'Keystore directory, or postgresql://user@host:port/db URL [default: $XDG_DATA_HOME/csrkit, else ~/.local/share/csrkit]' -r -F
complete -c csrkit -n "__fish_csrkit_using_subcommand keystore; and __fish_seen_subcommand_from migrate" -l format -d 'Output shape (each command has its own default)' -r -f -a "text\t'Human-readable text'
pem\t'The CSR as PEM'
der\t'The CSR as DER (binary)'
json\t'csrkit\'s JSON'
arcgis\t'Esri ArcGIS Portal generateCsr response'
qradar\t'IBM QRadar certificate_signing_request responses'
sbc\t'Oracle SBC generateRequest XML response'
nsx\t'VMware NSX TlsCsr'
xclarity\t'Lenovo XClarity certificateSigningRequest response'"
complete -c csrkit -n "__fish_csrkit_using_subcommand keystore; and __fish_seen_subcommand_from migrate" -l lock-timeout -d 'Seconds to wait for the keystore lock before giving up (exit 5)' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand keystore; and __fish_seen_subcommand_from migrate" -l pretty -d 'Pretty-print JSON shapes (ArcGIS f=pjson)'
complete -c csrkit -n "__fish_csrkit_using_subcommand keystore; and __fish_seen_subcommand_from migrate" -l no-input -d 'Never prompt; implied when stdin is not a terminal or CI is set'
complete -c csrkit -n "__fish_csrkit_using_subcommand keystore; and __fish_seen_subcommand_from migrate" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c csrkit -n "__fish_csrkit_using_subcommand keystore; and __fish_seen_subcommand_from migrate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c csrkit -n "__fish_csrkit_using_subcommand keystore; and __fish_seen_subcommand_from migrate" -s V -l version -d 'Print version'
complete -c csrkit -n "__fish_csrkit_using_subcommand keystore; and __fish_seen_subcommand_from copy" -l keystore -d 'Keystore directory, or postgresql://user@host:port/db URL [default: $XDG_DATA_HOME/csrkit, else ~/.local/share/csrkit]' -r -F
complete -c csrkit -n "__fish_csrkit_using_subcommand keystore; and __fish_seen_subcommand_from copy" -l format -d 'Output shape (each command has its own default)' -r -f -a "text\t'Human-readable text'
pem\t'The CSR as PEM'
der\t'The CSR as DER (binary)'
json\t'csrkit\'s JSON'
arcgis\t'Esri ArcGIS Portal generateCsr response'
qradar\t'IBM QRadar certificate_signing_request responses'
sbc\t'Oracle SBC generateRequest XML response'
nsx\t'VMware NSX TlsCsr'
xclarity\t'Lenovo XClarity certificateSigningRequest response'"
complete -c csrkit -n "__fish_csrkit_using_subcommand keystore; and __fish_seen_subcommand_from copy" -l lock-timeout -d 'Seconds to wait for the keystore lock before giving up (exit 5)' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand keystore; and __fish_seen_subcommand_from copy" -l pretty -d 'Pretty-print JSON shapes (ArcGIS f=pjson)'
complete -c csrkit -n "__fish_csrkit_using_subcommand keystore; and __fish_seen_subcommand_from copy" -l no-input -d 'Never prompt; implied when stdin is not a terminal or CI is set'
complete -c csrkit -n "__fish_csrkit_using_subcommand keystore; and __fish_seen_subcommand_from copy" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c csrkit -n "__fish_csrkit_using_subcommand keystore; and __fish_seen_subcommand_from copy" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c csrkit -n "__fish_csrkit_using_subcommand keystore; and __fish_seen_subcommand_from copy" -s V -l version -d 'Print version'
complete -c csrkit -n "__fish_csrkit_using_subcommand keystore; and __fish_seen_subcommand_from help" -f -a "migrate" -d 'Apply the schema migrations a PostgreSQL keystore lacks (also done on first use)'
complete -c csrkit -n "__fish_csrkit_using_subcommand keystore; and __fish_seen_subcommand_from help" -f -a "copy" -d 'Copy every record, with its id and history, from SRC to DST (a directory or a postgresql:// URL); resumable'
complete -c csrkit -n "__fish_csrkit_using_subcommand keystore; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c csrkit -n "__fish_csrkit_using_subcommand completions" -l keystore -d 'Keystore directory, or postgresql://user@host:port/db URL [default: $XDG_DATA_HOME/csrkit, else ~/.local/share/csrkit]' -r -F
complete -c csrkit -n "__fish_csrkit_using_subcommand completions" -l format -d 'Output shape (each command has its own default)' -r -f -a "text\t'Human-readable text'
pem\t'The CSR as PEM'
der\t'The CSR as DER (binary)'
json\t'csrkit\'s JSON'
arcgis\t'Esri ArcGIS Portal generateCsr response'
qradar\t'IBM QRadar certificate_signing_request responses'
sbc\t'Oracle SBC generateRequest XML response'
nsx\t'VMware NSX TlsCsr'
xclarity\t'Lenovo XClarity certificateSigningRequest response'"
complete -c csrkit -n "__fish_csrkit_using_subcommand completions" -l lock-timeout -d 'Seconds to wait for the keystore lock before giving up (exit 5)' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand completions" -l pretty -d 'Pretty-print JSON shapes (ArcGIS f=pjson)'
complete -c csrkit -n "__fish_csrkit_using_subcommand completions" -l no-input -d 'Never prompt; implied when stdin is not a terminal or CI is set'
complete -c csrkit -n "__fish_csrkit_using_subcommand completions" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c csrkit -n "__fish_csrkit_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c csrkit -n "__fish_csrkit_using_subcommand completions" -s V -l version -d 'Print version'
complete -c csrkit -n "__fish_csrkit_using_subcommand man" -l keystore -d 'Keystore directory, or postgresql://user@host:port/db URL [default: $XDG_DATA_HOME/csrkit, else ~/.local/share/csrkit]' -r -F
complete -c csrkit -n "__fish_csrkit_using_subcommand man" -l format -d 'Output shape (each command has its own default)' -r -f -a "text\t'Human-readable text'
pem\t'The CSR as PEM'
der\t'The CSR as DER (binary)'
json\t'csrkit\'s JSON'
arcgis\t'Esri ArcGIS Portal generateCsr response'
qradar\t'IBM QRadar certificate_signing_request responses'
sbc\t'Oracle SBC generateRequest XML response'
nsx\t'VMware NSX TlsCsr'
xclarity\t'Lenovo XClarity certificateSigningRequest response'"
complete -c csrkit -n "__fish_csrkit_using_subcommand man" -l lock-timeout -d 'Seconds to wait for the keystore lock before giving up (exit 5)' -r
complete -c csrkit -n "__fish_csrkit_using_subcommand man" -l pretty -d 'Pretty-print JSON shapes (ArcGIS f=pjson)'
complete -c csrkit -n "__fish_csrkit_using_subcommand man" -l no-input -d 'Never prompt; implied when stdin is not a terminal or CI is set'
complete -c csrkit -n "__fish_csrkit_using_subcommand man" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c csrkit -n "__fish_csrkit_using_subcommand man" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c csrkit -n "__fish_csrkit_using_subcommand man" -s V -l version -d 'Print version'
complete -c csrkit -n "__fish_csrkit_using_subcommand help; and not __fish_seen_subcommand_from generate show download regenerate list delete import self-sign expiring keystore completions man help" -f -a "generate" -d 'Generate a new key pair and CSR, stored as record NAME'
complete -c csrkit -n "__fish_csrkit_using_subcommand help; and not __fish_seen_subcommand_from generate show download regenerate list delete import self-sign expiring keystore completions man help" -f -a "show" -d 'Decode and verify a CSR (a record, or a file with --file)'
complete -c csrkit -n "__fish_csrkit_using_subcommand help; and not __fish_seen_subcommand_from generate show download regenerate list delete import self-sign expiring keystore completions man help" -f -a "download" -d 'Print or save a record\'s CSR'
complete -c csrkit -n "__fish_csrkit_using_subcommand help; and not __fish_seen_subcommand_from generate show download regenerate list delete import self-sign expiring keystore completions man help" -f -a "regenerate" -d 'Make a new CSR for a record, keeping its key unless --new-key'
complete -c csrkit -n "__fish_csrkit_using_subcommand help; and not __fish_seen_subcommand_from generate show download regenerate list delete import self-sign expiring keystore completions man help" -f -a "list" -d 'List the records in the keystore'
complete -c csrkit -n "__fish_csrkit_using_subcommand help; and not __fish_seen_subcommand_from generate show download regenerate list delete import self-sign expiring keystore completions man help" -f -a "delete" -d 'Delete a record and its history'
complete -c csrkit -n "__fish_csrkit_using_subcommand help; and not __fish_seen_subcommand_from generate show download regenerate list delete import self-sign expiring keystore completions man help" -f -a "import" -d 'Take a signed certificate back: find its record by key, check its chain, store both'
complete -c csrkit -n "__fish_csrkit_using_subcommand help; and not __fish_seen_subcommand_from generate show download regenerate list delete import self-sign expiring keystore completions man help" -f -a "self-sign" -d 'Issue a self-signed certificate on a record\'s key and request'
complete -c csrkit -n "__fish_csrkit_using_subcommand help; and not __fish_seen_subcommand_from generate show download regenerate list delete import self-sign expiring keystore completions man help" -f -a "expiring" -d 'List the certificates that expire soon (exit 10 when there are any)'
complete -c csrkit -n "__fish_csrkit_using_subcommand help; and not __fish_seen_subcommand_from generate show download regenerate list delete import self-sign expiring keystore completions man help" -f -a "keystore" -d 'Keystore maintenance: apply a PostgreSQL keystore\'s schema migrations, copy records between keystores'
complete -c csrkit -n "__fish_csrkit_using_subcommand help; and not __fish_seen_subcommand_from generate show download regenerate list delete import self-sign expiring keystore completions man help" -f -a "completions" -d 'Print a shell completion script'
complete -c csrkit -n "__fish_csrkit_using_subcommand help; and not __fish_seen_subcommand_from generate show download regenerate list delete import self-sign expiring keystore completions man help" -f -a "man" -d 'Write the man pages (csrkit.1 and one per subcommand)'
complete -c csrkit -n "__fish_csrkit_using_subcommand help; and not __fish_seen_subcommand_from generate show download regenerate list delete import self-sign expiring keystore completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c csrkit -n "__fish_csrkit_using_subcommand help; and __fish_seen_subcommand_from keystore" -f -a "migrate" -d 'Apply the schema migrations a PostgreSQL keystore lacks (also done on first use)'
complete -c csrkit -n "__fish_csrkit_using_subcommand help; and __fish_seen_subcommand_from keystore" -f -a "copy" -d 'Copy every record, with its id and history, from SRC to DST (a directory or a postgresql:// URL); resumable'
