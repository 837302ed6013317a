import factory
from django.contrib.auth.models import Group

from portal.models import Department, User
from portal.testing.second_factor import authenticator_for

TEST_PASSWORD = "correct horse battery staple"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"D{n:03d}")
    name = factory.Sequence(lambda n: f"Department {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    full_name = factory.Faker("name", locale="en_GB")
    email = factory.Sequence(lambda n: f"person{n}@example.org")
    staff_number = factory.Sequence(lambda n: f"S{n:06d}")
    job_title = "Officer"
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            # get_or_create: a transactional test (a browser test) empties the tables the
            # migration filled, and the tests that follow it must still find the role groups.
            self.groups.add(*[Group.objects.get_or_create(name=role)[0] for role in extracted])

    @factory.post_generation
    def authenticator(self, create, extracted, **kwargs):
        """People whose roles need the second step have set it up, unless a test says not
        (`authenticator=False`): the tests of their pages are not about setting it up."""
        if create and extracted is not False and self.needs_second_factor:
            authenticator_for(self)
