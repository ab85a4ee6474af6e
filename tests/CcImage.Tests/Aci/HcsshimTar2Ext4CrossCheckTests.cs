// Layer root hashes against values recorded from hcsshim's tar2ext4 + dmverity (the vendored copy in
// microsoft/integrity-vhd v1.6, which `az confcom` 1.2.7 runs), computed on the layers LayerFixture builds from
// these seeds. The reference cannot run in CI; its outputs for these exact bytes are recorded here.
using System.IO.Compression;
using CcImage.Core.Aci;

namespace CcImage.Tests.Aci;

[TestClass]
public sealed class HcsshimTar2Ext4CrossCheckTests
{
    [TestMethod]
    [DataRow(1, "77c0dc25cc86bd21527ac2b88381fd256dd8ea862a0bfa43c998b139b97b4898")]
    [DataRow(2, "c751b117978b04e72a9fef71c8d0181af5fc6c91a6a74b24ac19c9821c8026c0")]
    [DataRow(3, "d0482a3ca7df937fdeb64ff3aa7ff1cd08f68985ecef1d89a64496795366b354")]
    [DataRow(4, "822bdd6c6f61316e6bf123cdc7bda7db95d16009475a7dac4d83e2b30c85887b")]
    [DataRow(5, "4f82f70debaf2e2854009d34c0b65e77037e40b0396f23d6a74a0ac4dc8ac7d7")]
    [DataRow(6, "4ca7f37441966dfa183fdb4f021fa726dd015d4012fb18f89d097be3a13fb9ff")]
    [DataRow(7, "57ea5e3b5951e418a71e870f2cb06e5360636cb5d473740d3fab6339a2c32ac1")]
    [DataRow(8, "0354f9fa4af46f3a39fc2c6f6cfeff7863ea0f23ceee46f8ee9ef9be6f5837af")]
    [DataRow(9, "828d32d220a05d407b503efd98a14d419d2c61baf15d9e629fde38cb94e31918")]
    [DataRow(10, "2e1f9c114dd9b38851c9c28d65b089616623b22e5db8765a53fa793447c7262e")]
    [DataRow(11, "b1641989dab49ee31b3e1ad073c0e79602811b391100b1435eac4e5dd387f595")]
    [DataRow(12, "739f5ce986a38a5cd906a672e01150af1cda75655c7beab6f73bc67adb6f2128")]
    [DataRow(13, "10ead938526750cea20fd692340ea9027737f9535821a8917b5848cd949be802")]
    [DataRow(14, "c9f7cbfb0c8b89fd085bf9a3c4f3a243619fcb4da5a0c550aa4274091318f4d6")]
    [DataRow(15, "33b76eb63d3101a24db019393e8031b6d31e81ecc9fbe0afb9297f04f61ff43c")]
    [DataRow(16, "4ad8c211b01f5719a72c4b72bf1f21e634a0f9a18e945cf097bc91a979685c05")]
    [DataRow(17, "4a19c02c811ba21bbe42c3f4057729f0d8efca9a812926ae74ba72ef2bb71dd0")]
    [DataRow(18, "757b5b345d02f249cd031d591c1110182454ec56898a06ce938277e8955cc3b9")]
    [DataRow(19, "7cc38b00b252874dea9270154c0a756cc48b781e8e003e357826f06119c9873d")]
    [DataRow(20, "9ad43be24c7ddd4fceb841b7f3bf7ccdba64e221b00e850e098c7c186e385eaf")]
    [DataRow(21, "b4defbd4deed02e6cb3d4f344a7de27e7cef6e0d7507aadc94bda8255c97875f")]
    [DataRow(22, "91bc73f3f182d8e6aa2d078ca2477db6d84dba78136c6fe0406c4646ebd9299d")]
    [DataRow(23, "8aa887576e50ea5c51e271551d3bf4c616def0d82ec2be7a1be06041d9027752")]
    [DataRow(24, "2c893490f165c76213c39afbe538d4d6aa4aa5e3459e47335c2798c4b7d65083")]
    [DataRow(25, "eba01815f06897082cdcbddcb4d70cb659bdddd99e5dfeb8a4b018ff3498cd74")]
    [DataRow(26, "cef1d1c4baac37612c1dbbf7513ce7a0529a8f150638c607a801ec21a2b03313")]
    [DataRow(27, "773b6a3ea68afe9983ff349fa736fc479a338478fb932bca63a3502a7d35b71d")]
    [DataRow(28, "9f9835e9e528ff6e3d0bff86422e23e0cc3c7416d47ef19d24d3de3e7772c3f9")]
    [DataRow(29, "112f096f3b3f9ae2a9b4b6003429537592cd07a1560cc58bcca4c7707ea23619")]
    [DataRow(30, "31576205adbda8c2189ba47d3096dcdbbc0362f449d8eef87ae4c7ab545890c3")]
    [DataRow(31, "9e039241c4616ccf1d09d53eaf865898a94a3deec4b26f929c7c6ad1ad33729a")]
    [DataRow(32, "bb8aa94cc01203b1195f9446add5ee391befc620cfeface6ff1cc3a97cf05b93")]
    [DataRow(33, "774fc83ab035c747ead5de72a8934f31ad6ab58461410431ad3d8a9cb4a7c050")]
    [DataRow(34, "610af857182151243721fa322ffc427b015bc19e82c5b8b60f1c23fd0d4a70a8")]
    [DataRow(35, "fae8afbbf826e6e0200c7e7e4fefd6f5bbe662647b78a4fb41c03e202097cbea")]
    [DataRow(36, "501475f3cb21c4911fb3c67985aa44b8f3601c5fee00a29b20fb9c61fe260504")]
    [DataRow(37, "1a4920aef1c02a7beed12be5309a69dbdd4540341c456782556f022bfefb17c3")]
    [DataRow(38, "99f302b44569ed2efe75a6d3dd8137290f86fb9b6bb792e0c79729f559fa3b68")]
    [DataRow(39, "34cb789a81ff657aaad35912da2d88630e27f7f55414bf038c80b8ee3e594843")]
    [DataRow(40, "3520d57784a23a97a580ee274c020a43e72bb3722d6aabab877005b805691bd3")]
    [DataRow(41, "031544a813093cf25162505c61588c3c17f07a83de0b34c941e4a9fb52b617f9")]
    [DataRow(42, "1c353cfa810f120cb1ffcbcd42517b18aec45927b3849a5838fb0380b30686b0")]
    [DataRow(43, "6e9a692d53e33f533b060c44d3d32d7d1eccd98a39c08a12d21418f48903ab20")]
    [DataRow(44, "e49bf0cdcac5d5c0ff8ed28fc3cc6893313df7a1a08ce7e9fdaf6877fc1724c7")]
    [DataRow(45, "a51f912a41fb2a9a6710ba11771a79bfa860e8ed7ee29d387e830f0230d2a930")]
    [DataRow(46, "062fbbfabb7f2cdec525e9be4c92b7bde81c20a8d3f8f87b019c15b818b15479")]
    [DataRow(47, "47aa087d3878021cdc6092d155ae712b2333e7ff9e3a70d2b50db072aa55356f")]
    [DataRow(48, "a48bcae8bf8a94c4c7102a3c215d5785e69af9834d9e17ff8ac312b5fba1b109")]
    [DataRow(49, "f43d6452b928696d3b8b6a3a17830eb2781de8410f39b7d714be985721456f31")]
    [DataRow(50, "f43e3f3ce6c8bb797963c6da5d5fcc61bba4afc857a1df00443aa3a7527173d5")]
    [DataRow(51, "1096b44384b432632430c42dd2b27a45b63ae157931b2a5f9a397b15b336b999")]
    [DataRow(52, "c504ab016b3c6cb870d399d8d915cefd8f97adb3cbea808f8a11f8d14e26829c")]
    [DataRow(53, "da2a198e92b14835626f55678cb3c972fac959362118bddb8d2cbaac492bb4aa")]
    [DataRow(54, "ee8199d3557d2399fa3eb07cb11275ea3ec9961a87e216ecb540f238e6acc0b5")]
    [DataRow(55, "9f55ae68124b4b3da3ccc76b7eaab9864020fe60debac5172f09944e18ad8b1a")]
    [DataRow(56, "8c8b3b237280ac3a6e3052537b032005b96980c308a5ec3037f11aa702e0fa7a")]
    [DataRow(57, "10088245535fe881cb3ac46c40124bee2942f9a08d987501ecb926f47ff5c730")]
    [DataRow(58, "5c73601bd09570416d362ee017681d199af83ee88916029c7f8c67b0cb973d3f")]
    [DataRow(59, "fd7cf4f69f6ac22ec8eb5102a26d2bc8bf3e0ab2553e6e2435cf098b57aadb80")]
    [DataRow(60, "249255bfee27ae28b20a7f5746467cc2152d130ba97cba8f2a379048f712cfd5")]
    [DataRow(61, "48e14e16aae25f93ace2a829d1ec9f274a6a0969460c5324c7af7483b3e54168")]
    [DataRow(62, "f29a3d0b1f8b9c625e8d591b0361e1d417ae6467c3bf36e277b3f0516060ddb0")]
    [DataRow(63, "982ab026e0bd67e9197a61a374959ac55244885358e5c98f0c4b85b642c342ca")]
    [DataRow(64, "7b3c47560f812ddaafb21fb291ccfdbc41984a9bfaadabca644a2be65f67c6b3")]
    [DataRow(65, "f2cfce012c0c1d7926b2d31c56f8d4bd154d1b3da27e92bf1d411bea21133379")]
    [DataRow(66, "0914b61131e397c1d50f0d1f441f79b3efe0d143cf0f469060bf4b6caa0b4115")]
    [DataRow(67, "c3f0d79a9f022a1477829910e368c8e1b507c47afa008c5dfedb69a53b545350")]
    [DataRow(68, "d404c8961a5dadacfedfca82fd311cdd194a00f1fb3151844d944d6777d8ba21")]
    [DataRow(69, "abab65820351c521a0f13f5fc8af280c9690d11beddae52985d07c6075806fde")]
    [DataRow(70, "f22e5d281d17071e1245fe3b7381b6379ba3b424baa4a154df6b3f624ec8b3d2")]
    [DataRow(71, "01c035c622c503f4b515404ea4cd89cfdafd4a9d5b23bb25f9df23e512628913")]
    [DataRow(72, "c0b4c4d5bfd49ad2aaf73ddccc97ef8b882c959c5222e66a1f38286f8746d0b8")]
    [DataRow(73, "21a32a6bfb65606bd1748cb85aa4ea32cb66ab2bf29713de20541a37045ff487")]
    [DataRow(74, "5ad7e148da958eb0ae8591ea0b1657769b2657e6b84aa80ba0110c3e993d3529")]
    [DataRow(75, "af18e9eeaf15af4d7930e3e06a9fd202dc97f670c0898a8d3bd8bbeb511ecd30")]
    [DataRow(76, "12462ff1e0ee078f69cf4c9ce4f092c99c476825d6f8d6f3d30e3078e49730b6")]
    [DataRow(77, "2ac70e317d584f6cc371491e9e97bb52a2a9db7cd6c68242a244ce6b4daebd96")]
    [DataRow(78, "df523f605a22203f8b1a2703f1eae961385e2e35527d4b2f4dc6656c60dc681b")]
    [DataRow(79, "7489b93eb80498c9e5329425750bf0e74b5bb6fa10154f9f2fed33fe68ac6583")]
    [DataRow(80, "79a8264ecdf89aa135964b6e30cb0bb8f7394911f865f48d871f1484852bc2bf")]
    public void ComputeFile_SeededLayerFixture_MatchesHcsshimRootHash(int seed, string expected)
    {
        string dir = TestPaths.NewTempDir("layerhash");
        try
        {
            string tar = Path.Combine(dir, "layer.tar");
            LayerFixture.Write(tar, seed);
            Assert.AreEqual(expected, LayerRootHash.ComputeFile(tar));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [TestMethod]
    public void ComputeFile_LargeMultiExtentFileFixture_MatchesHcsshimRootHash()
    {
        // 520 MiB: more than four 128 MiB extents, so the file gets an extent index block (depth 1).
        string dir = TestPaths.NewTempDir("layerhash-large");
        try
        {
            string tar = Path.Combine(dir, "layer.tar");
            LayerFixture.Write(tar, 1000, 545259520);
            Assert.AreEqual("2b33974f8ee1627289c408e7149f87fe6e59dc0348e058161e82b103f7b132fd", LayerRootHash.ComputeFile(tar));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [TestMethod]
    public void ComputeFile_GzipCompressedFixture_MatchesHcsshimRootHashOfTheTar()
    {
        string dir = TestPaths.NewTempDir("layerhash-gz");
        try
        {
            string tar = Path.Combine(dir, "layer.tar"), gz = Path.Combine(dir, "layer.tar.gz");
            LayerFixture.Write(tar, 7);
            using (var input = File.OpenRead(tar))
            using (var output = new GZipStream(File.Create(gz), CompressionLevel.Fastest))
                input.CopyTo(output);
            Assert.AreEqual("57ea5e3b5951e418a71e870f2cb06e5360636cb5d473740d3fab6339a2c32ac1", LayerRootHash.ComputeFile(gz));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
