from functools import cached_property

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from portal.roles import SECOND_FACTOR_ROLES, Role


class EmploymentType(models.TextChoices):
    EMPLOYEE = "employee", "Employee"
    TEMPORARY = "temporary", "Temporary staff"
    WORK_EXPERIENCE = "work_experience", "Work experience"
    CONSULTANT = "consultant", "Consultant"
    CONTRACTOR = "contractor", "Contractor"
    BOARD_MEMBER = "board_member", "Board member"
    VOLUNTEER = "volunteer", "Volunteer"
    THIRD_PARTY = "third_party", "Third party with access"


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email, password=None, **fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **fields):
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        fields.setdefault("full_name", email)
        return self.create_user(email, password, **fields)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person with an account: every kind of member of staff the policies apply to."""

    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=200)
    # HR's key for a person; the staff import matches on it. Blank for accounts HR does not hold.
    staff_number = models.CharField(max_length=40, blank=True, default="")
    job_title = models.CharField(max_length=200, blank=True, default="")
    department = models.ForeignKey(
        "portal.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    line_manager = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    employment_type = models.CharField(
        max_length=20, choices=EmploymentType, default=EmploymentType.EMPLOYEE
    )
    # Politically restricted posts sign an extra statement (seed 004, Appendix A).
    politically_restricted = models.BooleanField("politically restricted post", default=False)
    start_date = models.DateField(null=True, blank=True)
    leave_date = models.DateField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        "Django admin access", default=False, help_text="May sign in to the Django admin."
    )
    date_joined = models.DateTimeField(default=timezone.now)
    # Who last set the password, and when: the person themself (change or emailed reset) or an
    # administrator. A signature made with a password someone else chose is weaker evidence,
    # so declarations copy this. Empty for passwords set before it was recorded.
    password_set_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    password_set_at = models.DateTimeField(null=True, blank=True)
    # Wrong second-step codes in a row, and when the last one was typed: enough of them pause
    # the second step for a cool-off (SECOND_FACTOR_FAILURE_LIMIT), as django-axes pauses the
    # first. A right code, or a system administrator, clears them.
    second_factor_failures = models.PositiveSmallIntegerField(default=0)
    second_factor_failed_at = models.DateTimeField(null=True, blank=True)

    objects = UserManager()

    # Roles this request must act without: set by SecondFactorMiddleware while a person whose
    # roles need the second step has not done it yet, so every access test (menus, pages,
    # object lookups) sees them as ordinary staff until they have.
    roles_withheld: frozenset[str] = frozenset()

    def is_verified(self) -> bool:
        """Whether this session has done the second step of signing in. django-otp's
        OTPMiddleware replaces this on the request's user; anywhere else (a task, the shell) no
        second step was done."""
        return False

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["staff_number"],
                condition=~models.Q(staff_number=""),
                name="user_staff_number_unique",
            ),
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]
        indexes = [
            # The long lists of people page by name (portal.lib.keyset): the People list, and
            # a campaign's people and who has not signed, read in name order through the join.
            models.Index(fields=["full_name", "id"], name="user_by_name"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @cached_property
    def role_names(self) -> frozenset[str]:
        """The person's roles, read once per request (one query)."""
        if not self.is_active:
            return frozenset()
        return frozenset(self.groups.values_list("name", flat=True))

    def has_role(self, *roles: Role) -> bool:
        """True if the person holds any of the roles. Deliberately ignores is_superuser."""
        return any(role in self.role_names and role not in self.roles_withheld for role in roles)

    @property
    def password_set_by_someone_else(self) -> bool:
        return self.password_set_by_id is not None and self.password_set_by_id != self.pk

    @cached_property
    def is_line_manager(self) -> bool:
        return self.reports.filter(is_active=True).exists()

    @property
    def needs_second_factor(self) -> bool:
        """Whether this person's roles (or Django admin access) need the second step. Reads the
        roles they hold, even while they are withheld."""
        return self.is_staff or self.is_superuser or bool(self.role_names & SECOND_FACTOR_ROLES)
