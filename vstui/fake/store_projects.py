"""Projects and their branches."""

from __future__ import annotations

from collections.abc import Iterable

from vstui.fake.errors import Conflict
from vstui.fake.model import ZERO_SHA, Account, LabelType, Project, default_labels
from vstui.fake.store_git import GitMixin


class ProjectsMixin(GitMixin):
    """Projects: labels, description, head and branch tips."""

    def _init_projects(self) -> None:
        self._projects: dict[str, Project] = {}

    def create_project(
        self,
        name: str,
        *,
        labels: Iterable[LabelType] | None = None,
        description: str = "",
        head: str = "refs/heads/master",
        creator: Account | None = None,
    ) -> Project:
        with self._mutation():
            if name in self._projects:
                raise Conflict("Project already exists")
            now = self.now()
            project = Project(
                name=name,
                labels={lt.name: lt for lt in (labels if labels is not None else default_labels())},
                description=description,
                head=head,
                created_on=now,
            )
            config_rev = self._fresh_sha("config")
            head_rev = self._git_initial_commit(name, description, creator, now)
            project.branches[head] = head_rev
            self._projects[name] = project
            self._emit(
                {
                    "projectName": name,
                    "headName": head,
                    "type": "project-created",
                    "eventCreatedOn": int(now),
                },
                project=name,
            )
            self._ref_updated(creator, name, "refs/meta/config", ZERO_SHA, config_rev, now)
            self._ref_updated(creator, name, head, ZERO_SHA, head_rev, now)
            return project

    def project(self, name: str) -> Project | None:
        with self.lock:
            return self._projects.get(name)

    def projects(self) -> list[Project]:
        with self.lock:
            return list(self._projects.values())
