"""Minjian's habits (STYLE.md) as checks of the project's own, run by `make lint`.

    python tools/check_habits.py [--root DIR]

Prints one line per finding, `path:line: [rule] what is wrong: what to do instead`, and
exits 1 when there is any. It reads the code with `ast` (comments with `tokenize`) and
imports nothing of the project, so it runs without settings or a database.

The rules:

model-access
    In `views*.py`, `api.py`, `feeds.py`, `jobs.py` and management commands, no
    `Model.objects` (nor `_default_manager`, `_base_manager`) of a domain model, and no
    `.save()`/`.delete()` of a domain object or `.update()`/`.delete()` (or another
    write) of a queryset of one. A domain model is a class in `minjian/<app>/models.py`
    (or a `models` package) that derives from Django's `Model`, directly or through
    another domain model; names are resolved through the file's imports, so
    `Case.objects` is found however `Case` was imported, and `forms.update()` on a
    dict is not. What a receiver holds is known only from what the function says:
    a parameter or variable annotated with the model (or `QuerySet[Model]`), a
    variable assigned `Model(...)`, `get_object_or_404(Model, ...)`, or the result
    of a function of the project whose return annotation names the model (a
    selector or an access door), a queryset method on such a queryset, or a loop
    over one. Reading methods on a selector's result (`.filter()`, `.count()`) are
    fine; anything else the checker cannot type is left alone.

type-ignore-reason
    Every `# type: ignore` names the error and says why:
    `# type: ignore[code]  # why`.

query-count
    Every page a GET reaches and every GET operation of the API has a test that
    pins its number of queries. The routes are read from the root URLconf
    (`config/urls.py`), following `include(...)` and the NinjaAPI mounted there
    (`api.urls`, its `add_router` calls and each router's `@router.get`). A view
    of the project answers GET unless it is decorated with `require_POST` (or
    `require_http_methods` without GET); views of Django itself (the log-out and
    password-reset confirmations) are left out: they are not the project's code.
    A test pins a route when a function in a test module both uses
    `django_assert_num_queries`, `django_assert_max_num_queries` or
    `assertNumQueries` and names the route, either by its URL name
    (`"cases:detail"`, as given to `reverse`) or by a path it matches (`"/cases/"`,
    `f"/cases/{case.pk}/"`, a module constant, with the query string left off; a
    value formatted into an f-string stands for one path segment).

private-name
    No module imports a `_private` name (or a `_private` module) from another app,
    nor reads one as `module._name` from a module of another app. `config` counts as
    an app of its own.

An exemption is a comment on the line of the finding (for `query-count`, on the
route's line in `urls.py` or the operation's decorator), saying why in the same line:
`# habits: allow[query-count] a redirect that reads nothing`. An exemption without a
reason is itself a finding.
"""

from __future__ import annotations

import argparse
import ast
import io
import re
import sys
import tokenize
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Literal

PACKAGE = "minjian"
ROOT_URLCONF = "config.urls"
SKIPPED_DIRECTORIES = frozenset({".venv", "node_modules", "data", "__pycache__", ".git"})

DJANGO_MODEL = frozenset({"django.db.models.Model", "django.db.models.base.Model"})
MANAGER_ATTRIBUTES = frozenset({"objects", "_default_manager", "_base_manager"})
INSTANCE_WRITES = frozenset({"save", "delete"})
QUERYSET_WRITES = frozenset(
    {
        "update",
        "delete",
        "create",
        "bulk_create",
        "bulk_update",
        "get_or_create",
        "update_or_create",
    }
)
QUERYSET_TO_QUERYSET = frozenset(
    {
        "all", "filter", "exclude", "order_by", "select_related", "prefetch_related",
        "annotate", "alias", "distinct", "select_for_update", "only", "defer", "reverse",
        "using", "none", "union", "intersection", "difference",
    }
)  # fmt: skip
QUERYSET_TO_INSTANCE = frozenset({"get", "first", "last", "latest", "earliest"})
QUERYSET_TYPES = ("QuerySet", "Manager", "BaseManager", "RelatedManager")

QUERY_COUNT_FIXTURES = frozenset({"django_assert_num_queries", "django_assert_max_num_queries"})
QUERY_COUNT_CALLS = QUERY_COUNT_FIXTURES | {"assertNumQueries"}
POST_ONLY_DECORATORS = frozenset({"require_POST"})
METHOD_DECORATORS = frozenset({"require_http_methods"})

TYPE_IGNORE = re.compile(r"#\s*type:\s*ignore\b(?P<codes>\[[^\]]*\])?(?P<rest>.*)$")
REASON = re.compile(r"^\s*#\s*\S")
EXEMPTION = re.compile(r"#\s*habits:\s*allow\[(?P<rules>[-a-z, ]+)\](?P<why>[^#]*)")

# A value formatted into an f-string path stands for one path segment.
PLACEHOLDER = "1"
PATH_CONVERTERS = {
    "int": "[0-9]+",
    "slug": "[-a-zA-Z0-9_]+",
    "str": "[^/]+",
    "path": ".+",
    "uuid": "[0-9a-fA-F-]+",
}

Kind = Literal["instance", "queryset"]
Typed = tuple[Kind, str]


@dataclass(frozen=True, order=True)
class Finding:
    path: str
    line: int
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: [{self.rule}] {self.message}"


@dataclass
class Module:
    name: str
    path: Path
    source: str
    tree: ast.Module

    @property
    def is_package(self) -> bool:
        return self.path.name == "__init__.py"

    @cached_property
    def imports(self) -> dict[str, str]:
        """Local name -> the dotted name it stands for (a module, or a module's attribute)."""
        names: dict[str, str] = {}
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        names[alias.asname] = alias.name
                    else:
                        first = alias.name.split(".")[0]
                        names[first] = first
            elif isinstance(node, ast.ImportFrom):
                source = self.absolute(node)
                for alias in node.names:
                    names[alias.asname or alias.name] = f"{source}.{alias.name}"
        return names

    def absolute(self, node: ast.ImportFrom) -> str:
        """The absolute module of `from ... import`, relative ones included."""
        if not node.level:
            return node.module or ""
        package = self.name.split(".") if self.is_package else self.name.split(".")[:-1]
        base = package[: len(package) - node.level + 1]
        return ".".join([*base, node.module] if node.module else base)

    @cached_property
    def top_level(self) -> dict[str, ast.stmt]:
        """Module-level functions, classes and single-name assignments, by name."""
        found: dict[str, ast.stmt] = {}
        for node in self.tree.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                found[node.name] = node
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        found[target.id] = node
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                found[node.target.id] = node
        return found

    @cached_property
    def comments(self) -> dict[int, str]:
        """The comment on each line, by line number."""
        found: dict[int, str] = {}
        tokens = tokenize.generate_tokens(io.StringIO(self.source).readline)
        for token in tokens:
            if token.type == tokenize.COMMENT:
                found[token.start[0]] = token.string
        return found

    def resolve(self, node: ast.expr) -> str | None:
        """The dotted name `node` (a name or an attribute chain) stands for, if known."""
        if isinstance(node, ast.Name):
            if node.id in self.imports:
                return self.imports[node.id]
            if node.id in self.top_level:
                return f"{self.name}.{node.id}"
            return None
        if isinstance(node, ast.Attribute):
            base = self.resolve(node.value)
            return f"{base}.{node.attr}" if base else None
        return None


@dataclass
class Route:
    """A URL of the site: a Django route or an operation of the API."""

    pattern: re.Pattern[str]
    display: str
    url_names: frozenset[str]
    view: str
    module: Module
    node: ast.AST


@dataclass
class Project:
    root: Path
    modules: dict[str, Module] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for path in sorted(self.python_files()):
            relative = path.relative_to(self.root).with_suffix("")
            parts = list(relative.parts)
            if parts[-1] == "__init__":
                parts.pop()
            if not parts:
                continue
            source = path.read_text(encoding="utf-8")
            try:
                tree = ast.parse(source, filename=str(path))
            except SyntaxError:
                continue  # ruff and mypy say what is wrong with it
            name = ".".join(parts)
            self.modules[name] = Module(name=name, path=path, source=source, tree=tree)

    def python_files(self) -> Iterator[Path]:
        for path in self.root.rglob("*.py"):
            if not SKIPPED_DIRECTORIES.intersection(path.relative_to(self.root).parts[:-1]):
                yield path

    def relative(self, module: Module) -> str:
        return module.path.relative_to(self.root).as_posix()

    def definition(self, dotted: str, depth: int = 0) -> tuple[Module, ast.stmt] | None:
        """The module-level statement that defines `dotted`, following re-exports."""
        module_name, _, attribute = dotted.rpartition(".")
        module = self.modules.get(module_name)
        if module is None or depth > 5:
            return None
        if attribute in module.top_level:
            return module, module.top_level[attribute]
        if attribute in module.imports:
            return self.definition(module.imports[attribute], depth + 1)
        return None

    def canonical(self, dotted: str) -> str:
        """`dotted` with re-exports followed to where the name is defined."""
        found = self.definition(dotted)
        if found is None:
            return dotted
        module, node = found
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            return f"{module.name}.{node.name}"
        return dotted

    # Domain models

    @cached_property
    def domain_models(self) -> frozenset[str]:
        candidates: dict[str, tuple[Module, ast.ClassDef]] = {}
        for module in self.modules.values():
            parts = module.name.split(".")
            if len(parts) >= 3 and parts[0] == PACKAGE and parts[2] == "models":
                for node in module.tree.body:
                    if isinstance(node, ast.ClassDef):
                        candidates[f"{module.name}.{node.name}"] = (module, node)
        models: set[str] = set()
        changed = True
        while changed:
            changed = False
            for name, (module, node) in candidates.items():
                if name in models:
                    continue
                for base in node.bases:
                    resolved = module.resolve(base)
                    if resolved and (
                        resolved in DJANGO_MODEL or self.canonical(resolved) in models
                    ):
                        models.add(name)
                        changed = True
                        break
        return frozenset(models)

    def model_of(self, module: Module, node: ast.expr) -> str | None:
        resolved = module.resolve(node)
        if resolved is None:
            return None
        canonical = self.canonical(resolved)
        return canonical if canonical in self.domain_models else None

    def annotation_type(self, module: Module, node: ast.expr | None) -> Typed | None:
        """What an annotation says a value holds: a domain object or a queryset of them."""
        if node is None:
            return None
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            try:
                parsed = ast.parse(node.value, mode="eval").body
            except SyntaxError:
                return None
            return self.annotation_type(module, parsed)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            return self.annotation_type(module, node.left) or self.annotation_type(
                module, node.right
            )
        if isinstance(node, ast.Subscript):
            container = module.resolve(node.value) or ""
            inner = node.slice
            if container.endswith("Optional"):
                return self.annotation_type(module, inner)
            if container.rpartition(".")[2] in QUERYSET_TYPES:
                if isinstance(inner, ast.Tuple) and inner.elts:
                    inner = inner.elts[0]
                model = self.model_of(module, inner)
                return ("queryset", model) if model else None
            return None
        model = self.model_of(module, node)
        return ("instance", model) if model else None

    def return_type(self, dotted: str) -> Typed | None:
        found = self.definition(dotted)
        if found is None:
            return None
        module, node = found
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            return self.annotation_type(module, node.returns)
        return None

    # Routes

    @cached_property
    def converters(self) -> dict[str, str]:
        """Path converters by name: Django's and the project's (`register_converter`)."""
        found = dict(PATH_CONVERTERS)
        for module in self.modules.values():
            for node in ast.walk(module.tree):
                if not (
                    isinstance(node, ast.Call)
                    and (module.resolve(node.func) or "").endswith("register_converter")
                    and len(node.args) == 2
                    and (name := _string(node.args[1]))
                ):
                    continue
                converter = module.resolve(node.args[0])
                definition = self.definition(converter) if converter else None
                if definition and isinstance(definition[1], ast.ClassDef):
                    for statement in definition[1].body:
                        if (
                            isinstance(statement, ast.Assign)
                            and isinstance(statement.targets[0], ast.Name)
                            and statement.targets[0].id == "regex"
                            and (regex := _string(statement.value))
                        ):
                            found[name] = regex
        return found

    def shown(self, pattern: str) -> str:
        """A route's regular expression as a person reads it: `/cases/…/`, `/requests.<fmt>`."""
        shown = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", pattern.removeprefix("^"))
        for regex in sorted({*self.converters.values(), "[^/]+"}, key=len, reverse=True):
            shown = shown.replace(regex, "…")
        return re.sub(r"\\(.)", r"\1", shown)

    @cached_property
    def routes(self) -> list[Route]:
        urlconf = self.modules.get(ROOT_URLCONF)
        return list(self._routes_of(urlconf, prefix="^/", namespace="")) if urlconf else []

    def _routes_of(self, urlconf: Module, *, prefix: str, namespace: str) -> Iterator[Route]:
        patterns = urlconf.top_level.get("urlpatterns")
        if not isinstance(patterns, ast.Assign | ast.AnnAssign) or patterns.value is None:
            return
        for entry in ast.walk(patterns.value):
            if not isinstance(entry, ast.Call) or len(entry.args) < 2:
                continue
            kind = (urlconf.resolve(entry.func) or "").rpartition(".")[2]
            routes = _render(self, urlconf, entry.args[0]) or set()
            if kind not in ("path", "re_path") or len(routes) != 1:
                continue
            route = routes.pop()
            piece = (
                _route_regex(route, self.converters) if kind == "path" else _strip_anchors(route)
            )
            yield from self._routes_of_view(
                urlconf, entry, prefix=prefix + piece, namespace=namespace
            )

    def _routes_of_view(
        self, urlconf: Module, entry: ast.Call, *, prefix: str, namespace: str
    ) -> Iterator[Route]:
        view = entry.args[1]
        url_name = next((_string(k.value) for k in entry.keywords if k.arg == "name"), None)
        if isinstance(view, ast.Call) and (urlconf.resolve(view.func) or "").endswith("include"):
            included = self.modules.get((_string(view.args[0]) if view.args else None) or "")
            if included is not None:
                app_name = included.top_level.get("app_name")
                name = _string(app_name.value) if isinstance(app_name, ast.Assign) else None
                inner = f"{namespace}{name}:" if name else namespace
                yield from self._routes_of(included, prefix=prefix, namespace=inner)
            return
        if isinstance(view, ast.Attribute) and view.attr == "urls":
            api = urlconf.resolve(view.value)
            if api:
                yield from self._api_routes(api, prefix=prefix)
            return
        view_class = view.func if isinstance(view, ast.Call) else view
        if isinstance(view_class, ast.Attribute) and view_class.attr == "as_view":
            view_class = view_class.value
        resolved = urlconf.resolve(view_class)
        found = self.definition(resolved) if resolved else None
        if found is None:
            return  # Django's own views, or something this checker cannot follow
        module, node = found
        if not _answers_get(module, node):
            return
        names = frozenset({f"{namespace}{url_name}"} if url_name else ())
        display = f"GET {self.shown(prefix)}" + (f" ({namespace}{url_name})" if url_name else "")
        yield Route(
            pattern=re.compile(prefix + "$"),
            display=display,
            url_names=names,
            view=f"{module.name}.{getattr(node, 'name', '')}",
            module=urlconf,
            node=entry,
        )

    def _api_routes(self, api: str, *, prefix: str) -> Iterator[Route]:
        found = self.definition(api)
        if found is None:
            return
        module, assignment = found
        api_name = api.rpartition(".")[2]
        namespace = ""
        if isinstance(assignment, ast.Assign) and isinstance(assignment.value, ast.Call):
            for keyword in assignment.value.keywords:
                if keyword.arg == "urls_namespace":
                    namespace = f"{_string(keyword.value) or ''}:"
        yield from self._operations(module, module.tree, api_name, prefix, namespace)
        calls = [
            node.value
            for node in module.tree.body
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
        ]
        # The routers mounted on the API, by their name here: where they live, their prefix.
        routers: dict[str, tuple[str, str]] = {}
        for call in calls:
            if (
                isinstance(call.func, ast.Attribute)
                and call.func.attr == "add_router"
                and isinstance(call.func.value, ast.Name)
                and call.func.value.id == api_name
                and len(call.args) == 2
                and isinstance(call.args[1], ast.Name)
                and (router := module.resolve(call.args[1]))
            ):
                routers[call.args[1].id] = (
                    router,
                    prefix + _ninja_regex(_string(call.args[0]) or ""),
                )
        for local_name, (router, router_prefix) in routers.items():
            router_found = self.definition(router)
            if router_found:
                router_module = router_found[0]
                yield from self._operations(
                    router_module, router_module.tree, router.rpartition(".")[2], router_prefix,
                    namespace,
                )  # fmt: skip
            # Operations another module adds to a router it is given: `add_x(router)`.
            for call in calls:
                adder = module.resolve(call.func)
                adder_found = self.definition(adder) if adder else None
                if adder_found is None or not isinstance(adder_found[1], ast.FunctionDef):
                    continue
                parameters = [argument.arg for argument in adder_found[1].args.args]
                for position, argument in enumerate(call.args[: len(parameters)]):
                    if isinstance(argument, ast.Name) and argument.id == local_name:
                        yield from self._operations(
                            adder_found[0], adder_found[1], parameters[position], router_prefix,
                            namespace,
                        )  # fmt: skip

    def _operations(
        self, module: Module, scope: ast.AST, router: str, prefix: str, namespace: str
    ) -> Iterator[Route]:
        """The GET operations of `router` in `scope`: `@router.get(path)` on a function,
        or `router.get(path)(function)`."""
        for node in ast.walk(scope):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                for decorator in node.decorator_list:
                    if _is_get_of(decorator, router):
                        assert isinstance(decorator, ast.Call)
                        yield self._operation(module, decorator, node.name, prefix, namespace)
            elif (
                isinstance(node, ast.Call)
                and _is_get_of(node.func, router)
                and node.args
                and (view := module.resolve(node.args[0]))
            ):
                assert isinstance(node.func, ast.Call)
                yield self._operation(module, node.func, view.rpartition(".")[2], prefix, namespace)

    def _operation(
        self, module: Module, get: ast.Call, view: str, prefix: str, namespace: str
    ) -> Route:
        path = (_string(get.args[0]) if get.args else None) or ""
        url_name = next((_string(k.value) for k in get.keywords if k.arg == "url_name"), None)
        pattern = re.sub("/+", "/", prefix + _ninja_regex(path))
        pattern = pattern.rstrip("/") if not path.endswith("/") else pattern
        names = {f"{namespace}{url_name or view}"} if namespace else set()
        return Route(
            pattern=re.compile(pattern + "/?$"),
            display=f"GET {self.shown(pattern)} ({module.name}.{view})",
            url_names=frozenset(names),
            view=f"{module.name}.{view}",
            module=module,
            node=get,
        )


def _is_get_of(node: ast.expr, router: str) -> bool:
    """Whether `node` is `router.get(...)`."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == router
        and node.func.attr == "get"
    )


def _string(node: ast.expr | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _strip_anchors(regex: str) -> str:
    return regex.removeprefix("^").removesuffix("$").removesuffix(r"\Z")


def _route_regex(route: str, converters: dict[str, str]) -> str:
    """Django's `path()` syntax as a regular expression."""
    pieces: list[str] = []
    position = 0
    for match in re.finditer(r"<(?:(?P<converter>[^>:]+):)?(?P<parameter>[^>]+)>", route):
        pieces.append(re.escape(route[position : match.start()]))
        pieces.append(converters.get(match["converter"] or "str", "[^/]+"))
        position = match.end()
    pieces.append(re.escape(route[position:]))
    return "".join(pieces)


def _ninja_regex(path: str) -> str:
    """A django-ninja path (`/{slug}`, `/{int:case_id}`) as a regular expression."""
    pieces = re.split(r"\{[^}]*\}", "/" + path.lstrip("/") if path else "")
    return "[^/]+".join(re.escape(piece) for piece in pieces)


def _answers_get(module: Module, node: ast.stmt) -> bool:
    if isinstance(node, ast.ClassDef):
        for statement in node.body:
            if isinstance(statement, ast.Assign) and any(
                isinstance(target, ast.Name) and target.id == "http_method_names"
                for target in statement.targets
            ):
                return "get" in ast.dump(statement.value)
        return True
    if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        return False
    for decorator in node.decorator_list:
        function = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = (module.resolve(function) or "").rpartition(".")[2]
        if name in POST_ONLY_DECORATORS:
            return False
        if name in METHOD_DECORATORS and isinstance(decorator, ast.Call) and decorator.args:
            methods = [_string(item) for item in getattr(decorator.args[0], "elts", [])]
            return "GET" in methods
    return True


# The rules


def is_entry_point(module: Module, project: Project) -> bool:
    """Views, API handlers, feeds, jobs and management commands: thin, no model access."""
    parts = module.name.split(".")
    if parts[0] != PACKAGE or "tests" in parts:
        return False
    filename = module.path.name
    if module.path.parent.name == "commands" and module.path.parent.parent.name == "management":
        return filename != "__init__.py"
    return (filename.startswith("views") and filename.endswith(".py")) or filename in (
        "api.py",
        "feeds.py",
        "jobs.py",
    )


def check_model_access(project: Project, module: Module) -> Iterator[Finding]:
    reported: set[int] = set()
    for node in ast.walk(module.tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in MANAGER_ATTRIBUTES
            and (model := project.model_of(module, node.value))
        ):
            reported.add(id(node))
            yield _finding(
                project,
                module,
                node,
                "model-access",
                f"{model.rpartition('.')[2]}.{node.attr} in {module.path.name}: read through a "
                "selector (selectors.py) and change through a service (services.py)",
            )
    for function in ast.walk(module.tree):
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            yield from _writes_in(project, module, function)


def _writes_in(
    project: Project, module: Module, function: ast.FunctionDef | ast.AsyncFunctionDef
) -> Iterator[Finding]:
    known: dict[str, Typed] = {}
    arguments = function.args
    for argument in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]:
        typed = project.annotation_type(module, argument.annotation)
        if typed:
            known[argument.arg] = typed
    # Twice, so that a name assigned from another assigned later in the text is typed too.
    for _ in range(2):
        for node in ast.walk(function):
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target = node.targets[0]
                typed = _type_of(project, module, node.value, known)
            elif isinstance(node, ast.AnnAssign):
                target = node.target
                typed = project.annotation_type(module, node.annotation)
            elif isinstance(node, ast.For | ast.comprehension):
                target = node.target
                iterated = _type_of(project, module, node.iter, known)
                typed = ("instance", iterated[1]) if iterated else None
            else:
                continue
            if isinstance(target, ast.Name) and typed:
                known[target.id] = typed
    for node in ast.walk(function):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        method, receiver = node.func.attr, node.func.value
        if _reaches_manager(project, module, receiver):
            continue  # the manager itself is the finding
        typed = _type_of(project, module, receiver, known)
        if typed is None:
            continue
        kind, model = typed
        if (kind == "instance" and method in INSTANCE_WRITES) or (
            kind == "queryset" and method in QUERYSET_WRITES
        ):
            what = "a" if kind == "instance" else "a queryset of"
            yield _finding(
                project,
                module,
                node,
                "model-access",
                f".{method}() on {what} {model.rpartition('.')[2]} in {module.path.name}: "
                "change it through a service (services.py)",
            )


def _reaches_manager(project: Project, module: Module, node: ast.expr) -> bool:
    while True:
        if isinstance(node, ast.Attribute):
            if node.attr in MANAGER_ATTRIBUTES and project.model_of(module, node.value):
                return True
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        else:
            return False


def _type_of(
    project: Project, module: Module, node: ast.expr, known: dict[str, Typed]
) -> Typed | None:
    if isinstance(node, ast.Name):
        return known.get(node.id)
    if not isinstance(node, ast.Call):
        return None
    function = node.func
    if isinstance(function, ast.Attribute):
        receiver = _type_of(project, module, function.value, known)
        if receiver and receiver[0] == "queryset":
            if function.attr in QUERYSET_TO_QUERYSET:
                return receiver
            if function.attr in QUERYSET_TO_INSTANCE:
                return ("instance", receiver[1])
    model = project.model_of(module, function)
    if model:
        return ("instance", model)
    resolved = module.resolve(function)
    if resolved is None:
        return None
    if resolved.endswith("get_object_or_404") and node.args:
        model = project.model_of(module, node.args[0])
        return ("instance", model) if model else None
    return project.return_type(resolved)


def check_type_ignores(project: Project, module: Module) -> Iterator[Finding]:
    for line, comment in module.comments.items():
        match = TYPE_IGNORE.search(comment)
        if match and not (match["codes"] and REASON.match(match["rest"])):
            yield Finding(
                project.relative(module),
                line,
                "type-ignore-reason",
                "a type: ignore without its error code or reason: write "
                "`# type: ignore[code]  # why`, or fix the types",
            )


def check_private_names(project: Project, module: Module) -> Iterator[Finding]:
    app = _app_of(module.name)
    if app is None:
        return
    for node in ast.walk(module.tree):
        if isinstance(node, ast.ImportFrom):
            source = module.absolute(node)
            names = [f"{source}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.Attribute) and _is_private(node.attr):
            owner = module.resolve(node.value)
            names = [f"{owner}.{node.attr}"] if owner in project.modules else []
        else:
            continue
        for name in names:
            other = _app_of(name)
            private = [part for part in name.split(".")[1:] if _is_private(part)]
            if other and other != app and private:
                yield _finding(
                    project,
                    module,
                    node,
                    "private-name",
                    f"{name} is private to {other}: use a public function of {other} (add "
                    "one to its services or selectors), or move the code into that app",
                )


def _app_of(dotted: str) -> str | None:
    parts = dotted.split(".")
    if parts[0] == PACKAGE and len(parts) > 1:
        return f"{PACKAGE}.{parts[1]}"
    return parts[0] if parts[0] == ROOT_URLCONF.split(".")[0] else None


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def check_query_counts(project: Project) -> Iterator[Finding]:
    pinned_names: set[str] = set()
    pinned_paths: set[str] = set()
    for module in project.modules.values():
        if not _is_test_module(module):
            continue
        for node in ast.walk(module.tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and _pins_queries(node):
                for text in _strings_in(project, module, node):
                    pinned_names.add(text)
                    path = re.sub(r"^https?://[^/]+", "", text).split("?")[0].split("#")[0]
                    if path.startswith("/"):
                        pinned_paths.add(path)
    # As Django resolves a path: the first route in the URLconf's order that matches it.
    for path in pinned_paths:
        first = next((route for route in project.routes if route.pattern.match(path)), None)
        if first is not None:
            pinned_names.add(first.display)
    for route in project.routes:
        if route.url_names & pinned_names or route.display in pinned_names:
            continue
        yield _finding(
            project,
            route.module,
            route.node,
            "query-count",
            f"{route.display} has no test that pins its queries: request it in a test inside "
            "`django_assert_max_num_queries(n)`, with rows enough that an N+1 would show",
        )


def _is_test_module(module: Module) -> bool:
    return "tests" in module.name.split(".") or module.path.name.startswith("test_")


def _pins_queries(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    parameters = {argument.arg for argument in function.args.args + function.args.kwonlyargs}
    if parameters & QUERY_COUNT_FIXTURES:
        return True
    for node in ast.walk(function):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else None
            name = node.func.id if isinstance(node.func, ast.Name) else name
            if name in QUERY_COUNT_CALLS:
                return True
    return False


def _strings_in(
    project: Project, module: Module, function: ast.FunctionDef | ast.AsyncFunctionDef
) -> set[str]:
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        rendered = _render(project, module, node)
        if rendered is not None:
            found.update(rendered)
            return
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(function)
    return found


def _render(project: Project, module: Module, node: ast.AST, depth: int = 0) -> set[str] | None:
    """The texts a string expression can stand for, or None if it is not one."""
    if depth > 5:
        return None
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.JoinedStr):
        texts = {""}
        for part in node.values:
            value = part.value if isinstance(part, ast.FormattedValue) else part
            pieces = _render(project, module, value, depth + 1) or {PLACEHOLDER}
            texts = {text + piece for text in texts for piece in pieces}
        return texts
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left = _render(project, module, node.left, depth + 1)
        right = _render(project, module, node.right, depth + 1)
        if left is None and right is None:
            return None
        return {a + b for a in left or {PLACEHOLDER} for b in right or {PLACEHOLDER}}
    if isinstance(node, ast.Name):
        resolved = module.resolve(node)
        found = project.definition(resolved) if resolved else None
        if found and isinstance(found[1], ast.Assign | ast.AnnAssign) and found[1].value:
            return _render(project, found[0], found[1].value, depth + 1)
    return None


def _finding(project: Project, module: Module, node: ast.AST, rule: str, message: str) -> Finding:
    return Finding(project.relative(module), getattr(node, "lineno", 1), rule, message)


def _exempted(project: Project, finding: Finding, spans: dict[Finding, range]) -> bool:
    module = next(m for m in project.modules.values() if project.relative(m) == finding.path)
    for line in spans.get(finding, range(finding.line, finding.line + 1)):
        match = EXEMPTION.search(module.comments.get(line, ""))
        if (
            match
            and match["why"].strip()
            and finding.rule in {rule.strip() for rule in match["rules"].split(",")}
        ):
            return True
    return False


def check(root: Path) -> list[Finding]:
    """Every finding in the project at `root`, exemptions applied, in file order."""
    project = Project(root)
    findings: list[Finding] = []
    spans: dict[Finding, range] = {}
    for module in project.modules.values():
        findings.extend(check_type_ignores(project, module))
        findings.extend(check_private_names(project, module))
        if is_entry_point(module, project):
            findings.extend(check_model_access(project, module))
        findings.extend(_unexplained_exemptions(project, module))
    for finding, route in _with_routes(project):
        spans[finding] = range(
            getattr(route.node, "lineno", 1), getattr(route.node, "end_lineno", 1) + 1
        )
        findings.append(finding)
    return sorted({f for f in findings if not _exempted(project, f, spans)})


def _with_routes(project: Project) -> Iterable[tuple[Finding, Route]]:
    findings = list(check_query_counts(project))
    by_place = {
        (project.relative(r.module), getattr(r.node, "lineno", 1)): r for r in project.routes
    }
    return [(finding, by_place[(finding.path, finding.line)]) for finding in findings]


def _unexplained_exemptions(project: Project, module: Module) -> Iterator[Finding]:
    for line, comment in module.comments.items():
        match = EXEMPTION.search(comment)
        if match and not match["why"].strip():
            yield Finding(
                project.relative(module),
                line,
                "exemption-reason",
                "an exemption says why, in the same line: `# habits: allow[rule] why`",
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    arguments = parser.parse_args(argv)
    findings = check(arguments.root.resolve())
    for finding in findings:
        print(finding)
    if findings:
        print(f"check_habits: {len(findings)} finding(s).", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
