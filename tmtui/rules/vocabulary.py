"""The words the threat library and the rules share: element kinds, facts of the model, and component/flow tags.

The library names these in its entries; the rules compute the facts; the README lists the tags for people writing
`tags = [...]` on their components and flows. Each word maps to the one line that explains it.
"""

from __future__ import annotations

ELEMENT_KINDS: dict[str, str] = {
    "process": "a component of kind process (or of no kind): code that runs",
    "store": "a component of kind store: where data rests",
    "external": "a component of kind external: a person or system outside our control",
    "flow": "a data flow between two components",
}

CONDITIONS: dict[str, str] = {
    "crosses_boundary": "a flow whose two ends are in different trust boundaries (or only one end has a boundary)",
    "unencrypted": "a flow not marked encrypted = true",
    "unauthenticated": "a flow not marked authenticated = true",
    "sensitive": "a component holding, or a flow carrying, an asset of high sensitivity",
    "from_external": "a flow that starts at an external entity, or a component that receives one",
    "internet_facing": "a process that receives a flow crossing a boundary from an external entity or the internet",
    "no_boundary": "a component in no trust boundary",
    "to_store": "a flow that ends at a store",
    "from_store": "a flow that starts at a store",
}

TAGS: dict[str, str] = {
    "web": "serves web pages or a web front end",
    "api": "an HTTP/JSON, GraphQL or gRPC API",
    "sql": "a relational database or code that builds SQL",
    "nosql": "a document, key-value or wide-column database",
    "queue": "a message queue, stream or event bus",
    "object-store": "blob or object storage (S3, GCS, Azure Blob)",
    "cache": "a cache (Redis, Memcached, a CDN edge cache)",
    "identity": "sign-in, accounts, tokens, single sign-on",
    "secrets": "holds or hands out secrets: keys, passwords, tokens",
    "llm": "calls or hosts a large language model",
    "ci": "build and deploy pipelines",
    "container": "runs in containers or on Kubernetes",
    "cloud": "cloud accounts, IAM roles and managed services",
    "browser": "code running in the user's browser",
    "mobile": "a mobile app",
    "iot": "a device in the field",
    "payments": "takes or moves money",
    "email": "sends or receives email",
    "webhook": "sends or receives webhooks",
    "file-upload": "accepts files from users",
    "admin": "an administration or back-office interface",
    "logging": "collects logs, metrics or audit trails",
    "backup": "backups and snapshots",
    "dependencies": "pulls in third-party packages or images",
}
